"""A varied, reproducible history written straight into a test database, for comparing the office's aggregates
with the Python they replaced: two organisations, two teams in the first, finished and draft controls with and
without flags, quarter-edge start times (Amsterdam vs UTC), neighbourhoods missing or empty, uitzendbureaus by
KvK, without a number and only in the answers, persons (some deleted), verifications, referrals, identifiers
shared between controls, planned controls (done, started, cancelled) and establishments."""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync_server.auth import service as users
from sync_server.auth.models import User
from sync_server.auth.schemas import Principal, Role
from sync_server.establishments.models import Establishment
from sync_server.inspections.models import Answer, Inspection, Person
from sync_server.links.models import Identifier
from sync_server.planning.models import PlannedControl, PlannedControlInspector
from sync_server.review.models import Referral, Verification
from sync_server.tenancy import service as tenancy
from sync_server.tenancy.models import Team

EDGES = [datetime(2025, 12, 31, 23, 30, tzinfo=UTC), datetime(2025, 12, 31, 22, 59, tzinfo=UTC),
         datetime(2026, 3, 31, 22, 0, tzinfo=UTC), datetime(2026, 3, 31, 21, 59, 59, tzinfo=UTC),
         datetime(2026, 6, 30, 23, 0, tzinfo=UTC), datetime(2026, 9, 30, 22, 30, tzinfo=UTC),
         datetime(2026, 12, 31, 23, 0, tzinfo=UTC), datetime(2024, 2, 29, 23, 30, tzinfo=UTC)]
HOODS = ["Centrum", "Presikhaaf", "Malburgen", "", None]
TYPES = ["pandenactie", "horeca", "massagesalon", "seksinrichting"]
PROFILES = ["labour", "sexual", "criminal", None]
STREETS = [("Voorbeeldstraat", "12", "6811AA"), ("Proefweg", "3", "6822 bb"), ("Oefenlaan", "45", ""),
           ("Testplein", "7", "6844DD"), ("Kanaalweg", "1-a", "6811AB")]
KVKS = ["12345678", "87654321", "11112222", None]


@dataclass
class History:
    principals: dict[str, Principal]
    inspection_ids: list[uuid.UUID]


def principal(session: Session, username: str) -> Principal:
    user, team = session.execute(select(User, Team).join(Team, Team.id == User.team_id)
                                 .where(User.username == username)).one()
    return Principal(user_id=user.id, username=user.username, display_name=user.display_name, role=Role(user.role),
                     device_id=uuid.uuid4(), team_id=team.id, organisation_id=team.organisation_id)


def _second_team(session: Session) -> None:
    team = tenancy.get_team(session=session, organisation_key=tenancy.DEFAULT_ORGANISATION_KEY, team_key="noord")
    if team is None:
        team, _ = tenancy.create_team(session=session, organisation_key=tenancy.DEFAULT_ORGANISATION_KEY,
                                      team_key="noord", team_name="Team Noord")
    for name, role in (("inspecteur-noord", Role.INSPECTEUR), ("teamleider-noord", Role.TEAMLEIDER)):
        if users.get_by_username(session=session, username=name) is None:
            users.create(session=session, username=name, password="demo-wachtwoord-noord", role=role,
                         display_name=name, team_id=team.id)
    session.flush()


def _flag(rng: random.Random, level: int | None, persons: int) -> dict[str, Any] | None:
    if level is None:
        return None
    subjects: list[dict[str, Any]] = []
    ids = ["premises"] + [f"p{n}" for n in range(1, persons + 1)]
    for sid in ids:
        lvl = rng.choice([0, 1, 2, 3])
        subjects.append({"subject_id": sid, "label": "Pand" if sid == "premises" else f"Persoon {sid[1:]}",
                         "level": min(lvl, level), "profile": rng.choice(PROFILES),
                         "hits": [{"code": rng.choice(["CD1", "EX1", "PR2"])} for _ in range(rng.randint(0, 3))]})
    if level >= 1:
        subjects[rng.randrange(len(subjects))]["level"] = level
    return {"level": level, "profile": rng.choice(PROFILES), "subjects": subjects, "urgent": False}


def _started(rng: random.Random, n: int) -> datetime:
    if n % 9 == 0:
        return EDGES[(n // 9) % len(EDGES)]
    day = date(2024, 1, 1) + timedelta(days=rng.randrange(3 * 365))
    return datetime.combine(day, time(rng.randrange(24), rng.randrange(60)), tzinfo=UTC)


def populate(session: Session, *, count: int = 300, seed: int = 13) -> History:
    """Write ``count`` controls (and all that hangs on them); returns the principals to read them as."""
    rng = random.Random(seed)
    _second_team(session)
    names = ["inspecteur1", "inspecteur2", "inspecteur-noord", "inspecteur-vb", "teamleider1", "teamleider-noord",
             "teamleider-vb", "ketenregisseur1", "planner1"]
    who = {n: principal(session, n) for n in names}
    inspectors = [who["inspecteur1"], who["inspecteur2"], who["inspecteur-noord"], who["inspecteur-vb"]]
    lead = who["teamleider1"]
    _establishments(session, who)
    session.flush()
    plans = _plans(session, rng, who)
    ids: list[uuid.UUID] = []
    for n in range(count):
        ids.append(_control(session, rng, n, rng.choice(inspectors), lead, plans))
        if n % 200 == 199:
            session.flush()
    session.flush()
    _shared_identifiers(session, rng, ids)
    session.flush()
    return History(principals=who, inspection_ids=ids)


def _control(session: Session, rng: random.Random, n: int, by: Principal, lead: Principal,
             plans: list[PlannedControl]) -> uuid.UUID:
    iid = uuid.uuid4()
    finished = rng.random() < 0.8
    persons = rng.randint(0, 3)
    level = rng.choice([None, 0, 1, 2, 3]) if finished else None
    street, number, postcode = rng.choice(STREETS)
    if rng.random() < 0.5:  # many addresses with one or two controls each
        street, number = f"{rng.choice(['Berg', 'Dal', 'Zee'])}weg", str(rng.randint(1, 60))
        postcode = rng.choice(["", "6800AB", "6800 ab"])
    address: dict[str, Any] = {"street": street, "house_number": number, "postcode": postcode, "city": "Arnhem"}
    hood = rng.choice(HOODS)
    if hood is not None:
        address["neighbourhood"] = hood
    started = _started(rng, n)
    plan = rng.choice(plans) if plans and rng.random() < 0.3 else None
    if plan is not None and plan.organisation_id != by.organisation_id:
        plan = None
    flag = _flag(rng, level, persons)
    session.add(Inspection(id=iid, template_id="testpand", template_version=1, control_type=rng.choice(TYPES),
                           address=address, inspector_id=by.user_id, organisation_id=by.organisation_id,
                           team_id=by.team_id, planned_control_id=plan.id if plan else None,
                           status="finished" if finished else "draft", note="", started_at=started,
                           finished_at=started + timedelta(hours=rng.choice([1, 3, 30])) if finished else None,
                           level=level, flag=flag, version=1, received_at=started + timedelta(days=1)))
    session.flush()
    for p in range(1, persons + 1):
        session.add(Person(inspection_id=iid, person_id=f"p{p}", label=f"Persoon {p}", deleted=rng.random() < 0.2))
    if rng.random() < 0.3:
        kvk = rng.choice(KVKS)
        session.add(Identifier(id=uuid.uuid4(), organisation_id=by.organisation_id, inspection_id=iid,
                               kind="uitzendbureau", digest=f"kvk-{kvk}", hint="…", public_value=kvk,
                               created_at=started))
    if rng.random() < 0.3:
        session.add(Answer(inspection_id=iid, person_id="", question_id="A15_landlord_relation",
                           value=rng.choice(["employment_agency", "private", "employment_agency"])))
    for subject in (flag or {}).get("subjects", []):
        if subject["level"] >= 1 and rng.random() < 0.5:
            _verify(session, rng, iid, subject["subject_id"], lead, started)
    if level and rng.random() < 0.3:
        session.add(Referral(inspection_id=iid, partner=rng.choice(["politie_avim", "nla", "riec"]),
                             by_id=lead.user_id, at=started + timedelta(days=2)))
    return iid


def _verify(session: Session, rng: random.Random, iid: uuid.UUID, subject: str, lead: Principal,
            started: datetime) -> None:
    for k in range(rng.randint(1, 2)):
        session.add(Verification(inspection_id=iid, subject_id=subject,
                                 verdict=rng.choice(["gegrond", "ongegrond", "meer_info"]), reason="r",
                                 by_id=lead.user_id, at=started + timedelta(days=3 + k)))


def _plans(session: Session, rng: random.Random, who: dict[str, Principal]) -> list[PlannedControl]:
    places = list(session.scalars(select(Establishment).where(
        Establishment.organisation_id == who["inspecteur1"].organisation_id)))
    out = []
    for n in range(40):
        org = who["inspecteur-vb"] if n % 7 == 0 else who["inspecteur1"]
        street, number, postcode = rng.choice(STREETS)
        plan = PlannedControl(organisation_id=org.organisation_id, control_type=rng.choice(TYPES),
                              template_id="testpand",
                              scheduled_on=date(2026, 1, 1) + timedelta(days=rng.randrange(400)),
                              address={"street": street, "house_number": number, "postcode": postcode,
                                       "city": "Arnhem"},
                              partners=rng.choice([[], ["politie"], ["nla", "brandweer"]]), briefing="",
                              status=rng.choice(["planned", "planned", "cancelled"]), created_at=datetime.now(UTC),
                              start_time=rng.choice([None, time(9, 0)]), duration_minutes=120,
                              establishment_id=rng.choice(places).id if n % 7 and n % 3 == 0 else None)
        session.add(plan)
        session.flush()
        session.add(PlannedControlInspector(planned_control_id=plan.id, user_id=org.user_id))
        out.append(plan)
    return out


def _shared_identifiers(session: Session, rng: random.Random, ids: list[uuid.UUID]) -> None:
    rows = session.execute(select(Inspection.id, Inspection.organisation_id).where(Inspection.id.in_(ids))).all()
    for iid, org in rows:
        if rng.random() < 0.25:
            session.add(Identifier(id=uuid.uuid4(), organisation_id=org, inspection_id=iid, kind="phone",
                                   digest=f"tel-{rng.randrange(15)}", hint="06…", created_at=datetime.now(UTC)))


def _establishments(session: Session, who: dict[str, Principal]) -> None:
    from schemas.addresses import address_key
    from schemas.records import Address

    for n, (street, number, postcode) in enumerate(STREETS[:4]):
        address = Address(street=street, house_number=number, postcode=postcode)
        kind = ["seksinrichting", "massagesalon", "horeca", "seksinrichting"][n]
        session.add(Establishment(organisation_id=who["inspecteur1"].organisation_id, name=f"Zaak {n}",
                                  kind=kind, address=address.model_dump(),
                                  address_key=address_key(address), licence_status="vergund", active=True,
                                  created_at=datetime.now(UTC), updated_at=datetime.now(UTC)))
