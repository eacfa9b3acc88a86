"""The pages over HTTP, without a browser: every page renders in kk and ru with no missing
text and no English code shown; CSRF, lockout, scope and security headers."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import httpx
import pytest

from service.store import accounts
from tests.web.conftest import PASSWORD, REGION, Site

CODES = {
    "vacancy", "course", "shelter", "in_custody", "released", "probation", "sent", "viewed",
    "interview", "hired", "declined", "expired", "withdrawn", "officer", "inspector", "employer",
    "admin", "housing", "documents", "medical_commission", "answer_due", "expires_on",
    "general_secondary", "vocational", "penitentiary", "none", "online", "offline",
}  # fmt: skip
LANGUAGE_NAMES = {"Қазақша", "Русский", "English"}
"""The language switch names each language in itself: the one mix every page allows."""


class _Text(HTMLParser):
    """The text a person reads: no script, no style, no attribute but labels."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "title"):
            self._skip += 1
        for name, value in attrs:
            if name in ("aria-label", "placeholder", "title") and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "title"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    text = " ".join(parser.parts)
    for name in LANGUAGE_NAMES:
        text = text.replace(name, " ")
    return text


def shown_codes(html: str) -> set[str]:
    words = set(re.findall(r"[a-z_0-9]+", visible(html)))
    return words & CODES


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "a form without a CSRF field"
    return found.group(1)


def logged_in(site: Site, login: str, lang: str) -> httpx.Client:
    client = httpx.Client(base_url=site.base, headers={"Accept-Language": lang}, timeout=60)
    page = client.get("/login")
    answer = client.post(
        "/login", data={"csrf": csrf_of(page.text), "login": login, "password": PASSWORD}
    )
    assert answer.status_code == 303, answer.text
    page = client.get("/persons")
    client.post("/lang", data={"csrf": csrf_of(page.text), "lang": lang, "next": "/"})
    return client


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_page_renders_in_the_language_without_codes(site: Site, lang: str) -> None:
    officer = logged_in(site, "officer", lang)
    pages = [
        "/persons", "/persons?release=12", "/persons?need=housing&status=in_custody",
        "/persons/P00001", "/referrals", "/no-such-page", "/password",
    ]  # fmt: skip
    referred = {"kk": "P00002", "ru": "P00004"}[lang]
    made = officer.post(
        f"/persons/{referred}/referrals",
        data={"csrf": csrf_of(officer.get("/persons").text), "item_kind": "vacancy",
              "item_id": "V00001"},
    )  # fmt: skip
    assert made.status_code == 303
    pages.append(f"/persons/{referred}")
    for path in pages:
        answer = officer.get(path)
        assert answer.status_code in (200, 404), (path, answer.status_code)
        assert f'<html lang="{lang}">' in answer.text
        assert not shown_codes(answer.text), (path, shown_codes(answer.text))
    employer = logged_in(site, "employer", lang)
    referral = re.search(r"/referrals/(\d+)/decline", employer.get("/referrals").text)
    assert referral
    for path in ("/referrals", f"/referrals/{referral.group(1)}/decline"):
        answer = employer.get(path)
        assert answer.status_code == 200, path
        assert not shown_codes(answer.text), (path, shown_codes(answer.text))
    anonymous = httpx.Client(base_url=site.base, headers={"Accept-Language": lang}, timeout=60)
    login = anonymous.get("/login")
    assert login.status_code == 200
    assert not shown_codes(login.text)


def test_a_form_without_its_token_is_refused(site: Site) -> None:
    officer = logged_in(site, "officer", "ru")
    answer = officer.post(
        "/persons/P00003/referrals", data={"item_kind": "vacancy", "item_id": "V00001"}
    )
    assert answer.status_code == 403
    assert "Запрос отклонён" in answer.text
    stranger = httpx.Client(base_url=site.base, timeout=60)
    assert (
        stranger.post("/login", data={"login": "officer", "password": PASSWORD}).status_code == 403
    )


def test_an_employer_never_sees_a_person_and_a_region_only_its_own(site: Site) -> None:
    employer = logged_in(site, "employer", "ru")
    assert employer.get("/persons/P00001").status_code == 404
    assert employer.get("/persons").status_code == 404
    officer = logged_in(site, "officer", "ru")
    assert officer.get("/persons/P00050").status_code == 404
    assert "P00050" not in officer.get("/persons").text


def test_pages_carry_the_security_headers_and_safe_cookies(site: Site) -> None:
    answer = httpx.get(site.base + "/login")
    assert "default-src 'self'" in answer.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in answer.headers["content-security-policy"]
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["referrer-policy"] == "same-origin"
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "secure" not in cookie
    assert (
        httpx.get(site.base + "/api/v1/nothing-here")
        .headers["content-type"]
        .startswith("application/json")
    )


def test_five_wrong_passwords_lock_the_account(site: Site) -> None:
    site.account("officer", "locked-officer", region_kato=REGION)
    client = httpx.Client(base_url=site.base, headers={"Accept-Language": "ru"}, timeout=60)
    for _ in range(5):
        page = client.get("/login")
        answer = client.post(
            "/login",
            data={"csrf": csrf_of(page.text), "login": "locked-officer", "password": "wrong-one-1"},
        )
        assert answer.status_code == 401
    page = client.get("/login")
    answer = client.post(
        "/login", data={"csrf": csrf_of(page.text), "login": "locked-officer", "password": PASSWORD}
    )
    assert answer.status_code == 401
    assert "15 минут" in answer.text
    with site.rt.session() as session:
        row = accounts.by_login(session, "locked-officer")
        assert row is not None
        assert row.locked_until is not None


def test_a_one_time_password_must_be_changed_first(site: Site) -> None:
    from service.usecases import accounts as usecase
    from service.usecases.actor import Actor

    made = usecase.create(site.rt, Actor.command("test"), role="inspector", login="newcomer")
    assert made.password is not None
    client = httpx.Client(base_url=site.base, timeout=60)
    page = client.get("/login")
    answer = client.post(
        "/login", data={"csrf": csrf_of(page.text), "login": "newcomer", "password": made.password}
    )
    assert answer.headers["location"] == "/password"
    assert client.get("/persons").headers["location"] == "/password"
    page = client.get("/password")
    new = "a-new-password-42"
    answer = client.post(
        "/password",
        data={"csrf": csrf_of(page.text), "old": made.password, "new": new, "repeat": new},
    )
    assert answer.status_code == 303
    assert client.get("/persons").status_code == 200


def test_a_person_page_view_is_audited_with_the_account(site: Site) -> None:
    import sqlalchemy as sa
    from sqlmodel import col

    from service.store.tables import AuditEvent

    officer = logged_in(site, "officer", "ru")
    assert officer.get("/persons/P00003").status_code == 200
    with site.rt.session() as session:
        account = accounts.by_login(session, "officer")
        assert account is not None
        actions = set(
            session.scalars(
                sa.select(col(AuditEvent.action)).where(
                    col(AuditEvent.person_id) == "P00003", col(AuditEvent.account_id) == account.id
                )
            )
        )
    assert {"read", "recommend"} <= actions


def test_a_notification_link_opens_the_referral_for_its_reader(site: Site) -> None:
    from service.usecases import referrals
    from service.usecases.actor import Actor

    made = referrals.refer(
        site.rt, Actor.command("test"), person_id="P00001", item_kind="vacancy", item_id="V00002"
    )
    employer = logged_in(site, "employer", "ru")
    assert employer.get(f"/referrals/{made.row.id}").headers["location"] == (
        f"/referrals#r{made.row.id}"
    )
    assert referrals.get(site.rt, Actor.command("test"), made.row.id or 0).row.state == "viewed"
    other = logged_in(site, "other-employer", "ru")
    assert other.get(f"/referrals/{made.row.id}").status_code == 404
    officer = logged_in(site, "officer", "ru")
    assert officer.get(f"/referrals/{made.row.id}").headers["location"] == (
        "/persons/P00001#referrals"
    )


def test_employer_invites_then_marks_hired(site: Site) -> None:
    from service.usecases import referrals
    from service.usecases.actor import Actor

    made = referrals.refer(
        site.rt, Actor.command("test"), person_id="P00003", item_kind="vacancy", item_id="V00001"
    )
    employer = logged_in(site, "employer", "kk")
    page = employer.get("/referrals")
    token = csrf_of(page.text)
    answer = employer.post(
        f"/referrals/{made.row.id}/answer", data={"csrf": token, "action": "accept"}
    )
    assert answer.status_code == 303
    page = employer.get("/referrals")
    assert f'id="months-{made.row.id}"' in page.text
    answer = employer.post(
        f"/referrals/{made.row.id}/answer",
        data={"csrf": token, "action": "hired", "contract_months": "12"},
    )
    assert answer.status_code == 303
    view = referrals.get(site.rt, Actor.command("test"), made.row.id or 0)
    assert view.row.state == "hired"
    assert view.row.contract_months == 12
    page = employer.get("/referrals")
    assert f'<tr id="r{made.row.id}">' in page.text
    too_soon = employer.post(
        f"/referrals/{made.row.id}/answer", data={"csrf": token, "action": "retained"}
    )
    assert too_soon.status_code == 422  # three months have not passed
    assert 'role="alert"' in too_soon.text
    assert not shown_codes(too_soon.text)


def test_a_refusal_shows_the_use_cases_message_in_the_readers_language(site: Site) -> None:
    from catalogs.i18n import messages
    from service.usecases import referrals
    from service.usecases.actor import Actor

    for person_id in ("P00005", "P00006"):  # V00003 has two quota places
        referrals.refer(
            site.rt, Actor.command("test"), person_id=person_id, item_kind="vacancy",
            item_id="V00003",
        )  # fmt: skip
    officer = logged_in(site, "officer", "kk")
    answer = officer.post(
        "/persons/P00001/referrals",
        data={"csrf": csrf_of(officer.get("/persons").text), "item_kind": "vacancy",
              "item_id": "V00003"},
    )  # fmt: skip
    assert answer.status_code == 409
    expected = messages("service").text("api_referral_no_place", "kk", id="V00003", limit=2)
    assert expected.split(":")[0] in answer.text
    assert 'role="alert"' in answer.text


def test_the_caseload_finds_by_iin_and_by_referral(site: Site) -> None:
    from datetime import date, timedelta

    from service.usecases import referrals
    from service.usecases.actor import Actor
    from tests.factories import iin_number

    officer = logged_in(site, "officer", "ru")
    found = officer.get("/persons", params={"q": iin_number(serial=7)}).text
    assert "/persons/P00007" in found
    assert "/persons/P00008" not in found
    referrals.refer(
        site.rt, Actor.command("test"), person_id="P00007", item_kind="vacancy", item_id="V00002"
    )
    referrals.refer(
        site.rt, Actor.command("test"), person_id="P00008", item_kind="vacancy", item_id="V00001",
        today=date.today() - timedelta(days=30),
    )  # fmt: skip
    waiting = officer.get("/persons", params={"referral": "waiting"}).text
    overdue = officer.get("/persons", params={"referral": "overdue"}).text
    none = officer.get("/persons", params={"referral": "none"}).text
    assert "/persons/P00007" in waiting
    assert "/persons/P00008" in waiting
    assert "/persons/P00008" in overdue
    assert "/persons/P00007" not in overdue
    assert "/persons/P00007" not in none


def test_staff_withdraw_a_referral_from_the_person_page(site: Site) -> None:
    from service.usecases import referrals
    from service.usecases.actor import Actor

    made = referrals.refer(
        site.rt, Actor.command("test"), person_id="P00006", item_kind="vacancy", item_id="V00002"
    )
    officer = logged_in(site, "officer", "ru")
    page = officer.get("/persons/P00006")
    action = f"/persons/P00006/referrals/{made.row.id}/withdraw"
    assert action in page.text
    answer = officer.post(action, data={"csrf": csrf_of(page.text)})
    assert answer.status_code == 303
    assert referrals.get(site.rt, Actor.command("test"), made.row.id or 0).row.state == "withdrawn"
    assert action not in officer.get("/persons/P00006").text


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_staff_make_and_print_the_plan(site: Site, lang: str) -> None:
    inspector = logged_in(site, "inspector", lang)
    page = inspector.get("/persons/P00007")
    assert "/persons/P00007/plan" in page.text
    made = inspector.post("/persons/P00007/plan", data={"csrf": csrf_of(page.text)})
    assert made.status_code == 303
    page = inspector.get("/persons/P00007")
    assert 'href="/persons/P00007/plan"' in page.text
    assert not shown_codes(page.text)
    printed = inspector.get("/persons/P00007/plan")
    assert printed.status_code == 200
    assert f'lang="{lang}"' in printed.text
    assert "script-src" not in printed.headers["content-security-policy"]
    employer = logged_in(site, "employer", lang)
    assert employer.get("/persons/P00007/plan").status_code == 404


@pytest.fixture(scope="module")
def reader() -> None:
    """The title reader loaded before the pages ask it (its first load takes seconds)."""
    from matcher import title_reader

    title_reader().search("свар", lang="kk")  # its search index is built at the first search


def unrecognised_person(site: Site, n: int, profession: str = "шабашка") -> str:
    """A person of the officer's region whose written profession the reader does not know."""
    from service.store.imports import import_records
    from tests.factories import AKTAU, person

    row = person(n, kato=AKTAU, professions=profession, full_name=f"Сейітов Марат {n}")
    with site.rt.writing() as session:
        assert import_records(session, "persons", [row], protector=site.rt.protector).ok
    return str(row["person_id"])


def test_an_unrecognised_profession_is_said_with_suggestions(site: Site, reader: None) -> None:
    from catalogs.i18n import messages

    person_id = unrecognised_person(site, 60)
    for lang in ("kk", "ru"):
        page = logged_in(site, "officer", lang).get(f"/persons/{person_id}")
        assert page.status_code == 200
        notice = messages("service").text("notice_profession_not_recognised", lang, text="шабашка")
        assert notice in page.text.replace("&#34;", '"')
        assert page.text.count('name="code" value="') >= 1  # a button per suggestion
        assert 'list="occupation-options"' in page.text
        assert '<script src="/static/occupations.js" defer></script>' in page.text
        assert not shown_codes(page.text)
    welder = logged_in(site, "officer", "ru").get("/persons/P00001").text
    assert "не распознана" not in welder
    assert 'class="notice"' not in welder
    assert 'id="occupation-code"' in welder  # the field to set or change it, folded


def test_the_occupation_search_is_for_signed_in_staff(site: Site, reader: None) -> None:
    officer = logged_in(site, "officer", "kk")
    answer = officer.get("/occupations/search", params={"q": "свар"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/json")
    found = answer.json()
    assert found
    assert set(found[0]) == {"code", "nkz", "title"}
    assert any(item["code"] == "7212" for item in found)
    assert len(officer.get("/occupations/search", params={"q": "свар", "limit": "2"}).json()) <= 2
    for params in ({"q": "с"}, {"q": "  "}, {"q": "x" * 101}, {"q": "a\nb"},
                   {"q": "свар", "limit": "0"}, {"q": "свар", "limit": "²"},
                   {"q": "свар", "limit": "many"}):  # fmt: skip
        bad = officer.get("/occupations/search", params=params)
        assert bad.status_code == 422, params
        assert bad.json()["detail"]
    anonymous = httpx.Client(base_url=site.base, timeout=60)
    assert anonymous.get("/occupations/search", params={"q": "свар"}).status_code == 401
    employer = logged_in(site, "employer", "ru")
    assert employer.get("/occupations/search", params={"q": "свар"}).status_code == 404


def _audited(site: Site, person_id: str, action: str) -> bool:
    import sqlalchemy as sa
    from sqlmodel import col

    from service.store.tables import AuditEvent

    with site.rt.session() as session:
        found = session.scalars(
            sa.select(col(AuditEvent.id)).where(
                col(AuditEvent.person_id) == person_id, col(AuditEvent.action) == action
            )
        ).first()
    return found is not None


def _stored(site: Site, person_id: str) -> tuple[str | None, str | None]:
    from service.store.tables import Person

    with site.rt.session() as session:
        row = session.get(Person, person_id)
        assert row is not None
        return row.confirmed_occupation, row.confirmed_occupation_nkz


def test_an_officer_confirms_an_occupation_and_the_list_follows(site: Site, reader: None) -> None:
    person_id = unrecognised_person(site, 61)
    officer = logged_in(site, "officer", "ru")
    page = officer.get(f"/persons/{person_id}")
    assert "Электрогазосварщик" not in page.text  # the welding vacancies need a trade
    answer = officer.post(
        f"/persons/{person_id}/occupation",
        data={"csrf": csrf_of(page.text), "code": "7212-2-005 — из списка", "text": "шабашка"},
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/persons/{person_id}?confirmed=1#occupation"
    assert _stored(site, person_id) == ("7212", "7212-2-005")
    assert _audited(site, person_id, "confirm_occupation")
    page = officer.get(answer.headers["location"])
    assert "Профессия P00061 подтверждена: 7212" in page.text
    assert "7212-2-005" in page.text
    assert "подтвердил(а) Айгерім Сапарова" in page.text
    assert "не распознана" not in page.text
    assert "Электрогазосварщик" in page.text  # the welding vacancies now
    assert "Изменить профессию" in page.text
    changed = officer.post(
        f"/persons/{person_id}/occupation", data={"csrf": csrf_of(page.text), "code": "9622"}
    )
    assert changed.status_code == 303
    assert _stored(site, person_id) == ("9622", None)


def test_a_bad_code_is_refused_with_the_message_and_nothing_stored(
    site: Site, reader: None
) -> None:
    from catalogs.i18n import messages

    person_id = unrecognised_person(site, 62)
    for lang in ("kk", "ru"):
        officer = logged_in(site, "officer", lang)
        page = officer.get(f"/persons/{person_id}")
        for code in ("9999", "сварщик", ""):
            answer = officer.post(
                f"/persons/{person_id}/occupation", data={"csrf": csrf_of(page.text), "code": code}
            )
            assert answer.status_code == 404, code  # as the API answers an unknown code
            assert 'role="alert"' in answer.text
            assert messages("service").text("api_occupation_code_refused", lang, reason="")[
                :12
            ] in answer.text.replace("&#34;", '"')
            assert not shown_codes(answer.text)
            assert f'name="code" value="{code}"' in answer.text  # kept to be corrected
    assert _stored(site, person_id) == (None, None)
    assert not _audited(site, person_id, "confirm_occupation")


def test_confirming_needs_the_token_and_a_staff_account(site: Site) -> None:
    person_id = unrecognised_person(site, 63)
    officer = logged_in(site, "officer", "ru")
    refused = officer.post(f"/persons/{person_id}/occupation", data={"code": "7212"})
    assert refused.status_code == 403
    token = csrf_of(officer.get("/persons").text)
    elsewhere = officer.post("/persons/P00050/occupation", data={"csrf": token, "code": "7212"})
    assert elsewhere.status_code == 404  # another region's person
    assert _stored(site, "P00050") == (None, None)
    employer = logged_in(site, "employer", "ru")
    token = csrf_of(employer.get("/referrals").text)
    answer = employer.post(f"/persons/{person_id}/occupation", data={"csrf": token, "code": "7212"})
    assert answer.status_code == 404
    assert _stored(site, person_id) == (None, None)
