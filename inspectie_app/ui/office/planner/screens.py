"""Which planner screen a tab name opens (``Office.show_planner(tab, **kw)``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from inspectie_app.ui.office.shell import Office


def planner_render(app: Office, tab: str, **kw: Any) -> Callable[[], Awaitable[None]]:
    """The render function of planner screen ``tab`` (year, schedule, establishments, establishment,
    establishment_form, suggestions, matrix)."""
    from inspectie_app.ui.office.planner.establishments import (
        EstablishmentFormScreen,
        EstablishmentScreen,
        EstablishmentsScreen,
    )
    from inspectie_app.ui.office.planner.matrix import MatrixScreen
    from inspectie_app.ui.office.planner.schedule import ScheduleScreen
    from inspectie_app.ui.office.planner.suggestions import SuggestionsScreen
    from inspectie_app.ui.office.planner.year_plan import YearPlanScreen

    screens: dict[str, Callable[[], Any]] = {
        "year": lambda: YearPlanScreen(app, **kw),
        "schedule": lambda: ScheduleScreen(app, **kw),
        "establishments": lambda: EstablishmentsScreen(app),
        "establishment": lambda: EstablishmentScreen(app, **kw),
        "establishment_form": lambda: EstablishmentFormScreen(app, **kw),
        "suggestions": lambda: SuggestionsScreen(app),
        "matrix": lambda: MatrixScreen(app),
    }
    render: Callable[[], Awaitable[None]] = screens[tab]().render
    return render
