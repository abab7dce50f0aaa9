"""Schemathesis on PostgreSQL: every role's token finds no server error and no schema violation (``api_fuzz.py``)."""

import pytest

from tests.server.api_fuzz import (  # noqa: F401 (the tests, collected here for one database)
    test_schemathesis_finds_no_server_error_and_no_schema_violation,
    test_schemathesis_on_the_routes_that_end_a_session,
)

pytestmark = pytest.mark.parametrize("settings", ["postgres"], indirect=True)
