"""The organisation rule's building blocks (``sync_server/tenancy/access.py``) on their own: the clauses keep the
index-friendly shape (a plain equality on ``organisation_id``), and one row of another organisation, or none,
answers 404 ``not_found`` exactly as a missing one. The rule at work over the API: ``test_tenancy_boundary.py``."""

from __future__ import annotations

import uuid
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import aliased

from sync_server.errors import ApiError
from sync_server.establishments.models import Establishment
from sync_server.links.models import Identifier
from sync_server.tenancy import access

ORG, OTHER = uuid.uuid4(), uuid.uuid4()


class _Session:
    """Stands for a SQLAlchemy session's ``get`` by primary key."""

    def __init__(self, rows: dict[Any, Any]) -> None:
        self.rows = rows

    def get(self, _model: type, key: Any) -> Any:
        return self.rows.get(key)


def _sql(clause: Any, dialect: Any) -> str:
    return str(clause.compile(dialect=dialect))


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.dialect()], ids=["sqlite", "postgres"])
def test_clauses_are_a_plain_equality_on_the_organisation_column(dialect: Any) -> None:
    assert _sql(access.in_organisation(Establishment, ORG), dialect) in (
        "establishment.organisation_id = ?", "establishment.organisation_id = %(organisation_id_1)s::UUID")
    mine, other = aliased(Identifier, name="mine"), aliased(Identifier, name="other")
    assert _sql(access.same_organisation(other, mine), dialect) == "other.organisation_id = mine.organisation_id"
    assert _sql(access.in_organisation(mine, ORG), dialect).startswith("mine.organisation_id = ")


def test_belongs_only_to_its_own_organisation() -> None:
    assert access.belongs(SimpleNamespace(organisation_id=ORG), ORG)
    assert not access.belongs(SimpleNamespace(organisation_id=OTHER), ORG)
    assert not access.belongs(None, ORG)


def test_row_or_404_answers_not_found_for_another_organisations_row_and_for_none() -> None:
    own, foreign = uuid.uuid4(), uuid.uuid4()
    session: Any = _Session({own: SimpleNamespace(organisation_id=ORG),
                             foreign: SimpleNamespace(organisation_id=OTHER)})
    found = access.row_or_404(session=session, model=Establishment, row_id=own, organisation_id=ORG)
    assert found.organisation_id == ORG
    for missing in (foreign, uuid.uuid4()):
        with pytest.raises(ApiError) as refused:
            access.row_or_404(session=session, model=Establishment, row_id=missing, organisation_id=ORG)
        assert refused.value.code == "not_found" and refused.value.spec.status == 404
