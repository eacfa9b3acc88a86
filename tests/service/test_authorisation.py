"""Every operation of the served OpenAPI schema, asked by every role and scope, against a small
world of two regions (47 Mangystau, 75 Almaty) and two employers (A in 47, B in 75), answers as
the route table of ``docs/api.md`` says: 401 without a token, 403 for a role that may never call
the route, 404 for a record outside the caller's scope (the same answer as an unknown id), and
otherwise an answer past authorisation. A route missing from the table, or from the requests
below, fails the suite, so that a new route cannot land without a rule.

Also replayed here: an outcome of a regional token for another region's person or item
(finding 1), and an IIN or an id of another region's person used to register someone
(finding 3)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from httpx import Response
from sqlmodel import Session, select

from service.api.app import PREFIX, create_app
from service.runtime import Runtime
from service.store import modelstore, tokens
from service.store.imports import import_records
from service.store.tables import AuditEvent, Job, OutcomeEvent, Person
from service.usecases import plans
from service.usecases.actor import Actor
from tests.factories import AKTAU, bin_number, iin_number, person, vacancy

TABLE = Path(__file__).parents[2] / "docs" / "api.md"
SECTION = "## Route × role × scope"
ALMATY = "751110000"
A_BIN, B_BIN = bin_number(41), bin_number(42)
ROLES = ("officer", "inspector", "employer", "admin")
ACTORS: dict[str, tuple[str | None, str | None, str | None]] = {
    # name: (role, region, employer BIN)
    "officer": ("officer", None, None),
    "officer-47": ("officer", "47", None),
    "officer-75": ("officer", "75", None),
    "inspector": ("inspector", None, None),
    "employer-A": ("employer", None, A_BIN),
    "employer-B": ("employer", None, B_BIN),
    "admin": ("admin", None, None),
    "anonymous": (None, None, None),
}
TARGETS = {"A": ("47", A_BIN), "B": ("75", B_BIN)}
"""What a request is about: a record of region 47 and employer A, or of 75 and B."""
SCOPES = {"—", "region", "employer", "area", "own", "rows", "body", "filtered"}
_serial = itertools.count(500)


@dataclass(frozen=True)
class Rule:
    path: str
    method: str
    who: frozenset[str]
    scope: frozenset[str]


def _who(cell: str) -> frozenset[str]:
    named: set[str] = set()
    for part in (p.strip() for p in cell.split(",")):
        if part == "anyone":
            named |= {*ROLES, "anonymous"}
        elif part == "any token":
            named |= set(ROLES)
        elif part == "staff":
            named |= {"officer", "inspector", "admin"}
        elif part in ROLES:
            named.add(part)
        else:
            raise AssertionError(f"docs/api.md: unknown caller {part!r}")
    return frozenset(named)


def table() -> dict[tuple[str, str], Rule]:
    """The route table of ``docs/api.md``: route, method, who may call it, scope rule."""
    text = TABLE.read_text()
    assert SECTION in text, f"docs/api.md has no section {SECTION!r}"
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    rules: dict[tuple[str, str], Rule] = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or not cells[0].startswith("`"):
            continue
        path, method, who, scope = cells
        scopes = frozenset(s.strip() for s in scope.split(","))
        assert scopes <= SCOPES, (path, scopes - SCOPES)
        key = (path.strip("`"), method.upper())
        assert key not in rules, f"docs/api.md names {key} twice"
        rules[key] = Rule(key[0], key[1], _who(who), scopes)
    return rules


def served(runtime: Runtime) -> set[tuple[str, str]]:
    app = create_app(runtime)
    return {
        (path.removeprefix(PREFIX), method.upper())
        for path, operations in app.openapi()["paths"].items()
        for method in operations
    }


@dataclass
class World:
    today: date
    bearer: dict[str, dict[str, str]]
    token_ids: dict[str, int]
    spare_token: int
    referrals: dict[str, int]
    actions: dict[str, str]
    job: str
    persons: dict[str, str] = field(default_factory=lambda: {"A": "PA", "B": "PB"})


def _released(n: int, person_id: str, kato: str, today: date) -> dict[str, Any]:
    return person(
        n, person_id=person_id, kato=kato, status="released", release_date=today.isoformat(),
        probation_kind="post_penitentiary", consent_employer_view="true", education="vocational",
    )  # fmt: skip


def build_world(runtime: Runtime, session: Session, client: TestClient) -> World:
    """Persons, vacancies and shelters in two regions, two employers, a referral and a plan
    of each region's person, a job made by the officer of region 47, a token per actor."""
    today = date.today()
    window = (today - timedelta(days=30)).isoformat()
    rows: dict[str, list[dict[str, Any]]] = {
        "vacancies": [
            vacancy(1, vacancy_id="VA", employer_bin=A_BIN, kato=AKTAU, quota_from=window,
                    quota_slots="5"),
            vacancy(2, vacancy_id="VB", employer_bin=B_BIN, kato=ALMATY, quota_from=window,
                    quota_slots="5"),
        ],
        "persons": [_released(1, "PA", AKTAU, today), _released(2, "PB", ALMATY, today)],
        "shelters": [
            {"shelter_id": "SA", "name": "Жол", "kato": AKTAU, "capacity": "10"},
            {"shelter_id": "SB", "name": "Үміт", "kato": ALMATY, "capacity": "10"},
        ],
    }  # fmt: skip
    for kind, records in rows.items():
        report = import_records(session, kind, records, protector=runtime.protector, commit=False)
        assert report.ok, report.as_dict()
    made = {
        "officer": tokens.create(session, role="officer"),
        "officer-47": tokens.create(session, role="officer", region_kato="470000000"),
        "officer-75": tokens.create(session, role="officer", region_kato="750000000"),
        "inspector": tokens.create(session, role="inspector"),
        "employer-A": tokens.create(session, role="employer", employer_bin=A_BIN),
        "employer-B": tokens.create(session, role="employer", employer_bin=B_BIN),
        "admin": tokens.create(session, role="admin"),
    }
    spare = tokens.create(session, role="officer", label="spare")[1]
    ids = {name: row.id for name, (_, row) in made.items() if row.id is not None}
    job = Job(id="0f47", kind="allocation", state="succeeded", params={},
              created_by=f"officer:{ids['officer-47']}")  # fmt: skip
    session.add(job)
    session.commit()
    bearer = {name: {"Authorization": f"Bearer {secret}"} for name, (secret, _) in made.items()}
    bearer["anonymous"] = {}
    referrals: dict[str, int] = {}
    actions: dict[str, str] = {}
    for target, (person_id, item) in {"A": ("PA", "VA"), "B": ("PB", "VB")}.items():
        answer = client.post(
            f"{PREFIX}/referrals",
            json={"person_id": person_id, "item_kind": "vacancy", "item_id": item},
            headers=bearer["admin"],
        )
        assert answer.status_code == 201, answer.text
        referrals[target] = answer.json()["id"]
        plan = plans.generate(runtime, Actor.command("test"), person_id)
        actions[target] = plan.version.body["actions"][0]["id"]
    assert spare.id is not None
    return World(today, bearer, ids, spare.id, referrals, actions, job.id)


@dataclass(frozen=True)
class Call:
    url: str
    target: str | None = None
    json: Any = None
    content: bytes | None = None
    content_type: str | None = None


Calls = Callable[[World, str], list[Call]]


def _both(make: Callable[[str], Call]) -> Calls:
    return lambda world, actor: [make("A"), make("B")]


def _one(url: str, **kwargs: Any) -> Calls:
    return lambda world, actor: [Call(url, **kwargs)]


def _new_person(world: World, target: str) -> Call:
    n = next(_serial)
    kato = AKTAU if target == "A" else ALMATY
    body = {"person_id": f"NEW{n}", "kato": kato, "status": "probation",
            "iin": iin_number(serial=n)}  # fmt: skip
    return Call("/persons", target, json=body)


def _replacement(world: World, target: str) -> dict[str, Any]:
    return {
        "kato": AKTAU if target == "A" else ALMATY,
        "status": "released",
        "release_date": world.today.isoformat(),
        "iin": iin_number(serial=1 if target == "A" else 2),
        "consent_employer_view": True,
        "education": "vocational",
    }


def _outcome(world: World, target: str) -> Call:
    body = {"person_id": world.persons[target], "item_kind": "vacancy", "item_id": f"V{target}",
            "event": "referred", "date": world.today.isoformat()}  # fmt: skip
    return Call("/outcomes", target, json=body)


def _allocation(world: World, target: str) -> Call:
    kato = "470000000" if target == "A" else "750000000"
    body = {"kato": kato, "release_from": (world.today - timedelta(days=10)).isoformat(),
            "release_to": world.today.isoformat()}  # fmt: skip
    return Call("/allocations", target, json=body)


def _person_calls(suffix: str, method_body: Any = None) -> Calls:
    def make(world: World, actor: str) -> list[Call]:
        return [Call(f"/persons/{world.persons[t]}{suffix}", t, json=method_body) for t in TARGETS]

    return make


CALLS: dict[tuple[str, str], Calls] = {
    ("/health", "GET"): _one("/health"),
    ("/audit", "GET"): _one("/audit?limit=5"),
    ("/tokens", "GET"): _one("/tokens"),
    ("/tokens", "POST"): _one("/tokens", json={"role": "officer", "label": "made"}),
    ("/tokens/{token_id}", "DELETE"): lambda w, a: [Call(f"/tokens/{w.spare_token}")],
    ("/persons", "POST"): lambda w, a: [_new_person(w, "A"), _new_person(w, "B")],
    ("/persons/{person_id}", "GET"): _person_calls(""),
    ("/persons/{person_id}", "PUT"): lambda w, a: [
        Call(f"/persons/{w.persons[t]}", t, json=_replacement(w, t)) for t in TARGETS
    ],
    ("/persons/{person_id}/recommendations", "GET"): _person_calls(
        "/recommendations?kind=vacancy&limit=3"
    ),
    ("/vacancies/{vacancy_id}/candidates", "GET"): lambda w, a: [
        Call(f"/vacancies/V{t}/candidates?limit=3", t) for t in TARGETS
    ],
    ("/persons/{person_id}/plan", "POST"): _person_calls("/plan"),
    ("/persons/{person_id}/plan", "GET"): _person_calls("/plan"),
    ("/persons/{person_id}/plan/versions", "GET"): _person_calls("/plan/versions"),
    ("/persons/{person_id}/plan/actions/{action_id}", "PATCH"): lambda w, a: [
        Call(
            f"/persons/{w.persons[t]}/plan/actions/{w.actions[t]}", t, json={"note": f"seen by {a}"}
        )
        for t in TARGETS
    ],
    ("/persons/{person_id}/plan/actions", "POST"): _person_calls(
        "/plan/actions",
        {
            "text": "Встреча с семьёй",
            "part": "employment",
            "responsible": "probation_service",
            "due": (date.today() + timedelta(days=30)).isoformat(),
        },
    ),
    ("/imports/{kind}", "POST"): _one(
        "/imports/shelters?check=true",
        content="shelter_id,name,kato,capacity\nSX,Жол,471010000,5\n".encode(),
        content_type="text/csv",
    ),
    ("/outcomes", "POST"): lambda w, a: [_outcome(w, "A"), _outcome(w, "B")],
    ("/allocations", "POST"): lambda w, a: [_allocation(w, "A"), _allocation(w, "B")],
    ("/model", "GET"): _one("/model"),
    ("/model/versions", "GET"): _one("/model/versions"),
    ("/model/versions/{version}", "GET"): _one(f"/model/versions/{modelstore.BASELINE}"),
    ("/model/retrain", "POST"): _one("/model/retrain"),
    ("/model/rollback", "POST"): _one("/model/rollback", json={"version": modelstore.BASELINE}),
    ("/reports/quota", "GET"): _one("/reports/quota"),
    ("/reports/quota/chart.png", "GET"): _one("/reports/quota/chart.png"),
    ("/jobs/{job_id}", "GET"): lambda w, a: [Call(f"/jobs/{w.job}", "A")],
    ("/referrals", "POST"): lambda w, a: [
        Call(
            "/referrals",
            t,
            json={"person_id": w.persons[t], "item_kind": "vacancy", "item_id": f"V{t}"},
        )
        for t in TARGETS
    ],
    ("/referrals", "GET"): _one("/referrals"),
    ("/referrals/{referral_id}", "GET"): lambda w, a: [
        Call(f"/referrals/{w.referrals[t]}", t) for t in TARGETS
    ],
    ("/referrals/{referral_id}/transitions", "POST"): lambda w, a: [
        Call(f"/referrals/{w.referrals[t]}/transitions", t, json={"to": "viewed"}) for t in TARGETS
    ],
    ("/notifications", "GET"): _one("/notifications"),
    ("/notifications/settings", "GET"): _one("/notifications/settings"),
    ("/notifications/settings/{kind}", "PUT"): _one(
        "/notifications/settings/referral_new", json={"enabled": True}
    ),
    ("/referral-reasons", "GET"): _one("/referral-reasons"),
    ("/employers/{employer_bin}/vacancies", "GET"): lambda w, a: [
        Call(f"/employers/{TARGETS[t][1]}/vacancies", t) for t in TARGETS
    ],
    ("/vacancies/{vacancy_id}/confirmation", "POST"): lambda w, a: [
        Call(f"/vacancies/V{t}/confirmation", t, json={}) for t in TARGETS
    ],
    ("/shelters/{shelter_id}/confirmation", "POST"): lambda w, a: [
        Call(f"/shelters/S{t}/confirmation", t, json={}) for t in TARGETS
    ],
    ("/employers", "GET"): _one("/employers"),
    ("/occupations/search", "GET"): _one("/occupations/search?q=сварщик&limit=3"),
    ("/occupations/read", "GET"): _one("/occupations/read?text=сварщик"),
    ("/persons/{person_id}/occupation", "PUT"): _person_calls("/occupation", {"code": "7212"}),
    ("/employers/{employer_bin}", "GET"): lambda w, a: [
        Call(f"/employers/{TARGETS[t][1]}", t) for t in TARGETS
    ],
}
"""The requests made of each operation (a target names the record's region and employer)."""


def expected(rule: Rule, actor: str, target: str | None) -> str:
    """What the table says ``actor`` gets: ``401``, ``403``, ``404``, ``unknown`` (an
    import-style refusal naming each line as an unknown record) or ``ok``."""
    role, region, employer = ACTORS[actor]
    if role is None:
        return "ok" if "anonymous" in rule.who else "401"
    if role not in rule.who:
        return "403"
    if target is None:
        return "ok"
    target_region, target_employer = TARGETS[target]
    if "own" in rule.scope and actor not in ("officer-47", "admin"):
        return "404"
    if "employer" in rule.scope and employer is not None and employer != target_employer:
        return "404"
    if region is not None and region != target_region:
        for scope, answer in (("region", "404"), ("rows", "unknown"), ("area", "403"),
                              ("body", "403")):  # fmt: skip
            if scope in rule.scope:
                return answer
    return "ok"


def observed(answer: Response) -> str:
    status = answer.status_code
    if status in (401, 403, 404):
        return str(status)
    if status == 422 and answer.headers.get("content-type", "").startswith("application/json"):
        error = answer.json()["error"]
        if error["code"] == "invalid_request":
            return "invalid"  # this test's own request is wrong: never an answer to compare
        codes = {d.get("code") for d in error.get("details", [])}
        if codes and codes <= {"unknown_person", "unknown_item"}:
            return "unknown"
    return "ok" if status < 500 else str(status)


def test_every_served_route_has_a_rule_and_a_request(runtime: Runtime) -> None:
    rules = set(table())
    routes = served(runtime)
    assert routes - rules == set(), "routes without a rule in docs/api.md"
    assert rules - routes == set(), "rules in docs/api.md for routes that are not served"
    assert routes - set(CALLS) == set(), "routes this test does not call"


def test_every_route_answers_every_caller_as_the_table_says(
    runtime: Runtime, session: Session
) -> None:
    client = TestClient(create_app(runtime))
    world = build_world(runtime, session, client)
    rules = table()
    wrong: list[str] = []
    for key in sorted(served(runtime)):
        rule = rules[key]
        for actor in ACTORS:
            for call in CALLS[key](world, actor):
                headers = {**world.bearer[actor], "Accept-Language": "en"}
                if call.content_type:
                    headers["Content-Type"] = call.content_type
                answer = client.request(
                    key[1], PREFIX + call.url, json=call.json, content=call.content,
                    headers=headers,
                )  # fmt: skip
                want, got = expected(rule, actor, call.target), observed(answer)
                if want != got:
                    wrong.append(
                        f"{key[1]} {call.url} as {actor}: table says {want}, got "
                        f"{answer.status_code} {answer.text[:160]}"
                    )
    assert not wrong, "\n".join(wrong)


def test_out_of_scope_is_the_same_answer_as_an_unknown_id(
    runtime: Runtime, session: Session
) -> None:
    client = TestClient(create_app(runtime))
    world = build_world(runtime, session, client)
    headers = {**world.bearer["officer-47"], "Accept-Language": "en"}
    hidden = client.get(f"{PREFIX}/persons/PB", headers=headers)
    unknown = client.get(f"{PREFIX}/persons/PZ", headers=headers)
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.json()["error"]["code"] == unknown.json()["error"]["code"] == "unknown_person"
    assert hidden.json()["error"]["message"].replace("PB", "X") == unknown.json()["error"][
        "message"
    ].replace("PZ", "X")
    denied = session.exec(
        select(AuditEvent).where(AuditEvent.person_id == "PB", AuditEvent.action == "denied_scope")
    ).all()
    assert [row.token_id for row in denied] == [world.token_ids["officer-47"]]


def test_a_regional_token_cannot_record_outcomes_elsewhere(
    runtime: Runtime, session: Session
) -> None:
    """Finding 1: a region-47 token posting an outcome of region 75's person (or of a vacancy
    of 75 for its own person) is refused as an unknown one, line named, nothing written."""
    client = TestClient(create_app(runtime))
    world = build_world(runtime, session, client)
    headers = {**world.bearer["officer-47"], "Accept-Language": "en"}
    before = session.scalar(sa.select(sa.func.count()).select_from(OutcomeEvent))
    day = world.today.isoformat()
    mine = {"person_id": "PA", "item_kind": "vacancy", "item_id": "VA", "event": "referred",
            "date": day}  # fmt: skip
    elsewhere = {**mine, "person_id": "PB", "item_id": "VB"}
    foreign_item = {**mine, "item_id": "VB"}
    answer = client.post(f"{PREFIX}/outcomes", json=[mine, elsewhere, foreign_item],
                         headers=headers)  # fmt: skip
    assert answer.status_code == 422, answer.text
    details = answer.json()["error"]["details"]
    assert {(d["record"], d["code"]) for d in details} == {
        (2, "unknown_person"),
        (2, "unknown_item"),
        (3, "unknown_item"),
    }
    assert session.scalar(sa.select(sa.func.count()).select_from(OutcomeEvent)) == before
    made = client.post(f"{PREFIX}/outcomes", json=mine, headers=headers)
    assert made.status_code == 201, made.text
    row = session.exec(select(OutcomeEvent).where(OutcomeEvent.person_id == "PA",
                                                  OutcomeEvent.source == "api")).one()  # fmt: skip
    assert row.created_by == f"officer:{world.token_ids['officer-47']}"
    audited = session.exec(
        select(AuditEvent).where(AuditEvent.person_id == "PA", AuditEvent.action == "outcome")
    ).all()
    assert len(audited) == 1


@pytest.mark.parametrize("lang", ["ru", "kk", "en"])
def test_an_iin_of_another_region_cannot_be_used_and_the_attempt_is_audited(
    runtime: Runtime, session: Session, lang: str
) -> None:
    """Finding 3: registering (or replacing) someone with the IIN of region 75's person, from
    a region-47 token, says only that this IIN cannot be used here; the attempt is audited."""
    client = TestClient(create_app(runtime))
    world = build_world(runtime, session, client)
    headers = {**world.bearer["officer-47"], "Accept-Language": lang}
    taken = iin_number(serial=2)  # PB's
    body = {"person_id": "NEW1", "kato": AKTAU, "status": "probation", "iin": taken}
    answer = client.post(f"{PREFIX}/persons", json=body, headers=headers)
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["code"] == "iin_unusable"
    assert "PB" not in answer.text
    assert error["details"] == []
    replaced = client.put(f"{PREFIX}/persons/PA", json={**_replacement(world, "A"), "iin": taken},
                          headers=headers)  # fmt: skip
    assert replaced.status_code == 422
    assert replaced.json()["error"]["code"] == "iin_unusable"
    assert session.get(Person, "NEW1") is None
    probes = session.exec(
        select(AuditEvent).where(AuditEvent.person_id == "PB", AuditEvent.action == "iin_probe")
    ).all()
    assert len(probes) == 2
    # the id of another region's person cannot be probed either
    again = client.post(f"{PREFIX}/persons", json={**body, "person_id": "PB", "iin": None},
                        headers=headers)  # fmt: skip
    assert again.status_code == 422
    assert again.json()["error"]["code"] == "id_unusable"
    # a national token sees the owner and is told who holds the IIN, as before
    national = {**world.bearer["officer"], "Accept-Language": "en"}
    told = client.post(f"{PREFIX}/persons", json=body, headers=national)
    assert told.status_code == 422
    assert "PB" in told.text
    assert told.json()["error"]["details"][0]["code"] == "iin_taken"


def test_any_staff_token_reads_another_regions_vacancy_candidates_of_its_own_region_only(
    runtime: Runtime, session: Session
) -> None:
    """A vacancy's details are not personal data (a person may move for it); the persons of
    its list stay the caller's region's, and confirming it stays its region's staff's."""
    client = TestClient(create_app(runtime))
    world = build_world(runtime, session, client)
    for actor, shown in (("officer-47", "PA"), ("officer-75", "PB")):
        for item in ("VA", "VB"):
            answer = client.get(f"{PREFIX}/vacancies/{item}/candidates?limit=10",
                                headers=world.bearer[actor])  # fmt: skip
            assert answer.status_code == 200, (actor, item, answer.text)
            ids = {row["id"] for row in answer.json()["items"]}
            assert ids <= {shown}, (actor, item, ids)
    refused = client.post(f"{PREFIX}/vacancies/VB/confirmation", json={},
                          headers=world.bearer["officer-47"])  # fmt: skip
    assert refused.status_code == 404
