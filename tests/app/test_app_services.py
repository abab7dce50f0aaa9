"""InspectorService: login offline/online, answers and their rules, finishing, photos, logout, autosync."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest
from app_fakes import FakeServer, jpeg_bytes, planned_control

from inspectie_app.contract import AnswerError, AppError, FinishError, LoginError, PhotoError
from inspectie_app.services import InspectorService, build_service
from schemas.records import Address, InspectionStatus

ADDRESS = Address(street="Voorbeeldstraat", house_number="7")


async def start(service: InspectorService) -> uuid.UUID:
    return await service.start_inspection(template_id="pandenactie", address=ADDRESS)


async def complete_premises(service: InspectorService, inspection_id: uuid.UUID) -> None:
    await service.set_answer(inspection_id, "bewoners", 4)
    await service.set_answer(inspection_id, "vergunning", True)


# ---- login ---------------------------------------------------------------------------------


async def test_login_offline_is_refused(service: InspectorService, server: FakeServer) -> None:
    server.offline = True
    with pytest.raises(LoginError) as err:
        await service.login("inspecteur1", "demo-wachtwoord")
    assert err.value.code == "login_offline"
    assert await service.current_user() is None


async def test_wrong_password_and_rate_limit(service: InspectorService, server: FakeServer) -> None:
    with pytest.raises(LoginError) as err:
        await service.login("inspecteur1", "fout")
    assert err.value.code == "login_failed"
    server.login_status = 429
    with pytest.raises(LoginError) as err:
        await service.login("inspecteur1", "demo-wachtwoord")
    assert err.value.code == "login_rate_limited"


async def test_office_role_cannot_use_the_tablet_app(service: InspectorService) -> None:
    with pytest.raises(LoginError) as err:
        await service.login("teamleider1", "demo-wachtwoord")
    assert err.value.code == "login_wrong_role"
    assert await service.current_user() is None


async def test_login_pulls_templates_and_catalogue(logged_in: InspectorService) -> None:
    assert [t.key for t in await logged_in.templates()] == ["pandenactie@1"]
    guidance = await logged_in.urgent_guidance()
    assert guidance is not None and guidance.title.nl == "Direct handelen"
    status = await logged_in.sync_status()
    assert status.last_error is None and status.last_success_at is not None


async def test_reopen_after_login_works_offline(tmp_path: Path, server: FakeServer) -> None:
    service = build_service(tmp_path / "data", "http://server.test", server.transport())
    user = await service.login("inspecteur1", "demo-wachtwoord")
    inspection_id = await start(service)
    await service.set_answer(inspection_id, "bewoners", 9)
    await service.aclose()

    server.offline = True
    reopened = build_service(tmp_path / "data", "http://server.test", server.transport())
    assert await reopened.current_user() == user
    state = await reopened.inspection(inspection_id)
    assert state.answers == {"bewoners": 9}
    await reopened.set_answer(inspection_id, "vergunning", True)
    status = await reopened.sync_now()
    assert status.last_error == "sync_offline" and status.pending_changes == 3
    await reopened.aclose()


async def test_no_templates_before_first_login(service: InspectorService) -> None:
    assert await service.templates() == []
    assert await service.urgent_guidance() is None
    with pytest.raises(AppError) as err:
        await start(service)
    assert err.value.code == "template_unknown"


# ---- answers --------------------------------------------------------------------------------


@pytest.mark.parametrize(("question", "value"), [
    ("bewoners", "veel"), ("bewoners", 2.5), ("bewoners", -1), ("vergunning", "ja"), ("bezoekdatum", "31-12-2026"),
])
async def test_invalid_answers_are_refused(logged_in: InspectorService, question: str, value: object) -> None:
    inspection_id = await start(logged_in)
    with pytest.raises(AnswerError) as err:
        await logged_in.set_answer(inspection_id, question, value)  # type: ignore[arg-type]
    assert err.value.code == "answer_invalid" and err.value.detail
    assert (await logged_in.inspection(inspection_id)).answers == {}
    assert (await logged_in.sync_status()).pending_changes == 1  # only the create


async def test_unknown_question_or_person_is_refused(logged_in: InspectorService) -> None:
    inspection_id = await start(logged_in)
    for question, person in (("bestaat_niet", None), ("paspoort_ingenomen", None), ("bewoners", "p-unknown")):
        with pytest.raises(AnswerError) as err:
            await logged_in.set_answer(inspection_id, question, "yes", person_id=person)
        assert err.value.code == "answer_invalid"


async def test_unknown_inspection(logged_in: InspectorService) -> None:
    with pytest.raises(AppError) as err:
        await logged_in.inspection(uuid.uuid4())
    assert err.value.code == "inspection_not_found"


async def test_answers_evaluate_the_flag_locally(logged_in: InspectorService, server: FakeServer) -> None:
    server.offline = True
    inspection_id = await start(logged_in)
    person = await logged_in.add_person(inspection_id)
    state = await logged_in.set_answer(inspection_id, "paspoort_ingenomen", "yes", person_id=person.id)
    assert state.flag.level == 2 and state.flag.catalogue == "ilo_ec@1"
    assert state.persons[0].answers == {"paspoort_ingenomen": "yes"}
    items = await logged_in.inspections()
    assert [(i.id, i.level, i.unsynced) for i in items] == [(inspection_id, 2, True)]


async def test_persons_are_anonymous_and_numbered(logged_in: InspectorService) -> None:
    inspection_id = await start(logged_in)
    first = await logged_in.add_person(inspection_id)
    second = await logged_in.add_person(inspection_id)
    assert (first.label, second.label) == ("Persoon 1", "Persoon 2")
    await logged_in.remove_person(inspection_id, first.id)
    assert [p.label for p in (await logged_in.inspection(inspection_id)).persons] == ["Persoon 2"]


# ---- finishing --------------------------------------------------------------------------------


async def test_finish_lists_missing_required_questions(logged_in: InspectorService) -> None:
    inspection_id = await start(logged_in)
    person = await logged_in.add_person(inspection_id)
    await logged_in.set_answer(inspection_id, "vergunning", False)  # makes the explanation required
    with pytest.raises(FinishError) as err:
        await logged_in.finish(inspection_id)
    assert [(p, q.id) for p, q in err.value.missing] == [
        (None, "bewoners"), (None, "vergunning_toelichting"), (person.id, "paspoort_ingenomen")]
    assert (await logged_in.inspection(inspection_id)).status is InspectionStatus.DRAFT


async def test_hidden_required_question_does_not_block_finishing(logged_in: InspectorService) -> None:
    inspection_id = await start(logged_in)
    await complete_premises(logged_in, inspection_id)  # vergunning=True hides the explanation
    flag = await logged_in.finish(inspection_id)
    assert flag.level == 0
    state = await logged_in.inspection(inspection_id)
    assert state.status is InspectionStatus.FINISHED


async def test_finished_inspection_refuses_every_change(logged_in: InspectorService) -> None:
    inspection_id = await start(logged_in)
    await complete_premises(logged_in, inspection_id)
    await logged_in.finish(inspection_id)
    attempts = [logged_in.set_answer(inspection_id, "bewoners", 5), logged_in.add_person(inspection_id),
                logged_in.set_note(inspection_id, "later"), logged_in.add_photo(inspection_id, jpeg_bytes()),
                logged_in.finish(inspection_id)]
    for attempt in attempts:
        with pytest.raises(AnswerError) as err:
            await attempt
        assert err.value.code == "inspection_finished"


# ---- photos -----------------------------------------------------------------------------------


async def test_photo_is_stored_and_uploaded(logged_in: InspectorService, server: FakeServer, tmp_path: Path) -> None:
    inspection_id = await start(logged_in)
    item = await logged_in.add_photo(inspection_id, jpeg_bytes((640, 480)), caption="Slaapkamer")
    assert Path(item.thumbnail_path).is_file() and not item.uploaded
    assert (await logged_in.sync_status()).pending_photos == 1
    status = await logged_in.sync_now()
    assert (status.pending_photos, status.pending_changes) == (0, 0)
    assert item.sha256 in server.complete
    assert (await logged_in.inspection(inspection_id)).photos[0].uploaded


async def test_bad_photo_stores_nothing(logged_in: InspectorService, tmp_path: Path) -> None:
    inspection_id = await start(logged_in)
    before = (await logged_in.sync_status()).pending_changes
    for data in (b"garbage", jpeg_bytes((800, 600))[:500]):
        with pytest.raises(PhotoError):
            await logged_in.add_photo(inspection_id, data)
    assert (await logged_in.inspection(inspection_id)).photos == []
    assert (await logged_in.sync_status()).pending_changes == before
    photos_dir = tmp_path / "data" / "photos"
    assert not photos_dir.exists() or not any(photos_dir.rglob("*.jpg"))


# ---- planned controls, server flags, rejections --------------------------------------------


async def test_assigned_controls_and_starting_one(logged_in: InspectorService, server: FakeServer) -> None:
    pc = planned_control()
    server.add_change("planned_control", pc["id"], pc)
    await logged_in.sync_now()
    [control] = await logged_in.assigned_controls()
    assert control.inspection_id is None and control.partners == ["politie"]
    inspection_id = await logged_in.start_inspection(template_id=control.template_id, address=control.address,
                                                     planned_control_id=control.id)
    again = await logged_in.start_inspection(template_id=control.template_id, address=control.address,
                                             planned_control_id=control.id)
    assert again == inspection_id
    assert (await logged_in.assigned_controls())[0].inspection_id == inspection_id


async def test_server_flag_shows_once_synced(logged_in: InspectorService, server: FakeServer) -> None:
    inspection_id = await start(logged_in)
    await logged_in.sync_now()
    server.add_change("inspection_flag", str(inspection_id),
                      {"level": 3, "flag": {}, "photos_expected": 0, "photos_present": 0})
    await logged_in.sync_now()
    assert (await logged_in.inspection(inspection_id)).server_level == 3
    assert [i.level for i in await logged_in.inspections()] == [3]


async def test_rejections_show_in_the_status(logged_in: InspectorService, server: FakeServer) -> None:
    server.reject_names = {"inspection.update.v1"}
    inspection_id = await start(logged_in)
    await logged_in.set_note(inspection_id, "Fictief")
    status = await logged_in.sync_now()
    assert status.rejections == ["inspection.update.v1 geweigerd"] and status.pending_changes == 0


# ---- logout -----------------------------------------------------------------------------------


async def test_logout_refused_while_work_is_pending(logged_in: InspectorService, server: FakeServer) -> None:
    server.offline = True
    inspection_id = await start(logged_in)
    await logged_in.add_photo(inspection_id, jpeg_bytes())
    with pytest.raises(AppError) as err:
        await logged_in.logout()
    assert err.value.code == "logout_pending"
    assert await logged_in.current_user() is not None


async def test_logout_after_sync_forgets_user_and_data(logged_in: InspectorService, tmp_path: Path) -> None:
    inspection_id = await start(logged_in)
    item = await logged_in.add_photo(inspection_id, jpeg_bytes())
    await logged_in.sync_now()
    await logged_in.logout()
    assert await logged_in.current_user() is None
    assert await logged_in.inspections() == []
    assert not Path(item.thumbnail_path).exists()
    user = await logged_in.login("inspecteur2", "demo-wachtwoord")
    assert user.username == "inspecteur2" and await logged_in.templates()


# ---- background sync --------------------------------------------------------------------------


async def test_autosync_pushes_soon_after_a_change(logged_in: InspectorService, server: FakeServer) -> None:
    task = logged_in.start_autosync(interval=3600)
    assert logged_in.start_autosync(interval=3600) is task
    inspection_id = await start(logged_in)
    await logged_in.set_answer(inspection_id, "bewoners", 2)
    for _ in range(200):
        if (await logged_in.sync_status()).pending_changes == 0:
            break
        await asyncio.sleep(0.01)
    assert (await logged_in.sync_status()).pending_changes == 0
    assert [m.name for m in server.applied][-1] == "answer.set.v1"
    await logged_in.stop_autosync()
    assert task.done()


async def test_autosync_survives_failures(logged_in: InspectorService, server: FakeServer) -> None:
    server.offline = True
    logged_in.start_autosync(interval=0.01)
    inspection_id = await start(logged_in)
    for _ in range(200):
        if (await logged_in.sync_status()).last_error == "sync_offline":
            break
        await asyncio.sleep(0.01)
    server.offline = False
    for _ in range(300):
        status = await logged_in.sync_status()
        if status.last_error is None and status.pending_changes == 0:
            break
        await asyncio.sleep(0.01)
    assert status.last_error is None and status.pending_changes == 0
    assert any(m.entity_id == inspection_id for m in server.applied)
    await logged_in.stop_autosync()
