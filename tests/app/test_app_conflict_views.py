"""The conflict views without a page: the tablet's sync bar lists open conflicts; the office panel shows
both values and offers the team lead (only) the two choices, which call the client; a person the tablet
deleted after a correction shows the kept corrections and can only be accepted."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import flet as ft

from inspectie_app.contract import ConflictNotice, SyncStatus
from inspectie_app.i18n import t
from inspectie_app.office_client import OfficeError
from inspectie_app.ui.inspector.sync_bar import SyncBar
from inspectie_app.ui.office.conflicts import ConflictsPanel
from schemas.conflicts import ConflictRead
from schemas.records import PersonRecord


class _App:
    lang = "nl"

    def __init__(self, role: str = "teamleider") -> None:
        self.client = _Client(role)
        self.shown: list[uuid.UUID] = []

    def t(self, key: str, **fmt: object) -> str:
        return t(key, self.lang, **fmt)

    async def show_detail(self, inspection_id: uuid.UUID) -> None:
        self.shown.append(inspection_id)

    def error_text(self, exc: OfficeError) -> str:
        return t(exc.code, self.lang)


class _Client:
    def __init__(self, role: str, kind: str = "answer", fail: str = "") -> None:
        self.user = type("U", (), {"role": role})()
        self.resolved: list[tuple[uuid.UUID, str]] = []
        self.kind, self.fail = kind, fail

    async def conflicts(self, inspection_id: uuid.UUID) -> list[ConflictRead]:
        return [_person_conflict(inspection_id) if self.kind == "person" else _conflict(inspection_id)]

    async def resolve_conflict(self, conflict_id: uuid.UUID, keep: str) -> None:
        if self.fail:
            raise OfficeError(self.fail)
        self.resolved.append((conflict_id, keep))


def _conflict(inspection_id: uuid.UUID, status: str = "open") -> ConflictRead:
    return ConflictRead(id=uuid.uuid4(), inspection_id=inspection_id, field="answer", question_id="bewoners",
                        device_value=3, office_value=8, winner="office", winner_value=8, base_version=1,
                        office_seq=2, status=status, created_at=datetime.now(UTC))  # type: ignore[arg-type]


DROPPED = {"label": "Persoon 2", "answers": {"paspoort": {"value": True, "office_seq": 7},
                                             "leeftijd": {"value": 16, "office_seq": 6}}}


def _person_conflict(inspection_id: uuid.UUID, status: str = "open") -> ConflictRead:
    return ConflictRead(id=uuid.uuid4(), inspection_id=inspection_id, field="person", person_id="p-2",
                        device_value=None, office_value=DROPPED, winner="device", winner_value=None, base_version=5,
                        office_seq=7, status=status, resolution="device" if status == "resolved" else None,  # type: ignore[arg-type]
                        created_at=datetime.now(UTC))


def _texts(control: Any) -> list[str]:
    out: list[str] = []
    stack = [control]
    while stack:
        c = stack.pop()
        if isinstance(c, ft.Text) and c.value:
            out.append(str(c.value))
        for attr in ("content", "controls"):
            child = getattr(c, attr, None)
            if isinstance(child, list):
                stack += child
            elif isinstance(child, ft.Control):
                stack.append(child)
    return out


def test_sync_bar_lists_open_conflicts() -> None:
    bar = SyncBar(_App())  # type: ignore[arg-type]
    notice = ConflictNotice(uuid.uuid4(), "answer", "bewoners", None, 3, 8, "open")
    bar.show(SyncStatus(0, 0, datetime.now(UTC), None, conflicts=[notice]))
    assert bar.conflicts.visible
    assert "teamleider" in str(bar.conflicts.value) and "bewoners: uw waarde 3, geldend 8" in str(bar.conflicts.value)
    bar.show(SyncStatus(0, 0, datetime.now(UTC), None))
    assert not bar.conflicts.visible


async def test_office_panel_offers_the_choice_to_the_team_lead() -> None:
    app = _App()
    iid = uuid.uuid4()
    panel = await ConflictsPanel.load(app, iid)  # type: ignore[arg-type]
    controls = panel.controls()
    texts = [text for c in controls for text in _texts(c)]
    assert t("conflicts_title") in texts
    assert any("tablet 3" in x and "kantoor 8" in x for x in texts)
    buttons = [c for c in _walk(controls) if isinstance(c, ft.OutlinedButton)]
    assert [b.content for b in buttons] == [t("conflict_keep_office"), t("conflict_take_device")]
    await buttons[1].on_click(None)  # type: ignore[misc]
    assert app.client.resolved[0][1] == "device" and app.shown == [iid]


async def test_office_panel_offers_no_tablet_value_once_the_person_is_deleted() -> None:
    app = _App()
    iid = uuid.uuid4()
    conflict = _conflict(iid).model_copy(update={"person_id": "p-2", "question_id": "leeftijd"})
    alive = ConflictsPanel(app, iid, [conflict], persons=[PersonRecord(id="p-2", label="Persoon 2")])  # type: ignore[arg-type]
    gone = ConflictsPanel(app, iid, [conflict], persons=[PersonRecord(id="p-1", label="Persoon 1")])  # type: ignore[arg-type]

    def labels(panel: ConflictsPanel) -> list[Any]:
        return [c.content for c in _walk(panel.controls()) if isinstance(c, ft.OutlinedButton)]

    assert labels(alive) == [t("conflict_keep_office"), t("conflict_take_device")]
    assert labels(gone) == [t("conflict_keep_office")]
    assert t("conflict_person_gone") in [x for c in gone.controls() for x in _texts(c)]


async def test_office_panel_is_read_only_for_the_ketenregisseur_and_empty_without_conflicts() -> None:
    app = _App("ketenregisseur")
    panel = await ConflictsPanel.load(app, uuid.uuid4())  # type: ignore[arg-type]
    assert not [c for c in _walk(panel.controls()) if isinstance(c, ft.OutlinedButton)]
    assert ConflictsPanel(app, uuid.uuid4(), []).controls() == []  # type: ignore[arg-type]


def _walk(controls: list[Any]) -> list[Any]:
    out, stack = [], list(controls)
    while stack:
        c = stack.pop(0)
        out.append(c)
        for attr in ("content", "controls"):
            child = getattr(c, attr, None)
            if isinstance(child, list):
                stack += child
            elif isinstance(child, ft.Control):
                stack.append(child)
    return out


def test_sync_bar_names_a_deleted_person_and_the_kept_corrections() -> None:
    bar = SyncBar(_App())  # type: ignore[arg-type]
    person = ConflictNotice(uuid.uuid4(), "person", None, "p-2", None, None, "open", DROPPED)
    answer = ConflictNotice(uuid.uuid4(), "answer", "bewoners", None, 3, 8, "open")
    bar.show(SyncStatus(0, 0, datetime.now(UTC), None, conflicts=[person, answer]))
    lines = str(bar.conflicts.value).splitlines()
    assert lines == [t("sync_conflicts", n=1), t("sync_conflicts_person", n=1),
                     "Persoon 2 verwijderd; correctie teamleider bewaard: leeftijd: 16; paspoort: Ja",
                     "bewoners: uw waarde 3, geldend 8"]
    odd = ConflictNotice(uuid.uuid4(), "person", None, "p-3-abcdefgh", None, None, "open", "not a dict")
    bar.show(SyncStatus(0, 0, datetime.now(UTC), None, conflicts=[odd]))
    assert str(bar.conflicts.value).splitlines()[1] == "p-3-abcd verwijderd; correctie teamleider bewaard: —"


async def test_office_panel_offers_only_acceptance_for_a_deleted_person() -> None:
    app = _App()
    app.client.kind = "person"
    iid = uuid.uuid4()
    panel = await ConflictsPanel.load(app, iid)  # type: ignore[arg-type]
    texts = [text for c in panel.controls() for text in _texts(c)]
    assert ("Persoon 2 verwijderd op de tablet; de correctie van de teamleider (leeftijd: 16; paspoort: Ja) is "
            "bewaard in dit conflict.") in texts
    assert t("conflict_person_help") in texts
    buttons = [c for c in _walk(panel.controls()) if isinstance(c, ft.OutlinedButton)]
    assert [b.content for b in buttons] == [t("conflict_accept_delete")]
    await buttons[0].on_click(None)  # type: ignore[misc]
    assert app.client.resolved[0][1] == "device" and app.shown == [iid]


async def test_office_panel_person_conflict_resolved_read_only_english_and_failing() -> None:
    app = _App()
    app.lang = "en"
    resolved = ConflictsPanel(app, uuid.uuid4(), [_person_conflict(uuid.uuid4(), "resolved")])  # type: ignore[arg-type]
    texts = [text for c in resolved.controls() for text in _texts(c)]
    assert "Resolved: deletion accepted" in texts
    assert any(x.startswith("Persoon 2 deleted on the tablet; the team lead's correction (leeftijd: 16; paspoort: "
                            "Yes)") for x in texts)
    assert not [c for c in _walk(resolved.controls()) if isinstance(c, ft.OutlinedButton)]
    keten = _App("ketenregisseur")
    keten.client.kind = "person"
    panel = await ConflictsPanel.load(keten, uuid.uuid4())  # type: ignore[arg-type]
    assert not [c for c in _walk(panel.controls()) if isinstance(c, ft.OutlinedButton)]
    failing = _App()
    failing.client.kind, failing.client.fail = "person", "person_not_restorable"
    panel = await ConflictsPanel.load(failing, uuid.uuid4())  # type: ignore[arg-type]
    panel.error.update = lambda: None  # type: ignore[method-assign]  # not on a page
    [button] = [c for c in _walk(panel.controls()) if isinstance(c, ft.OutlinedButton)]
    await button.on_click(None)  # type: ignore[misc]
    assert panel.error.visible and panel.error.value == t("person_not_restorable")
    assert failing.shown == []
