"""The administrator's pages over HTTP: each renders in kk and ru with no missing text and no
code shown; imports by upload (the error table, nothing written on error, a large file as a
job); accounts, tokens, the model card with its fairness chart and rollback, the audit trail;
CSRF refusals; every admin page is the 404 page to any other role."""

from __future__ import annotations

import re
import threading
import time
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlmodel import col

from catalogs.i18n import messages
from service.api.routes import data as api
from service.store import modelstore
from service.store.tables import Account, ApiToken, AuditEvent, ModelVersion, Vacancy
from tests.factories import AKTAU, bin_number, csv_bytes, vacancy
from tests.web.conftest import Site
from tests.web.test_pages import csrf_of, logged_in, shown_codes, visible

PAGES = [
    "/admin/imports", "/admin/jobs", "/admin/accounts", "/admin/tokens", "/admin/model",
    "/admin/audit", "/admin/audit?verify=1", "/admin/audit?person=P00001",
]  # fmt: skip
LOGINS = r"\b(officer|inspector|employer|admin)\b"
FORMS = [
    "/admin/accounts", "/admin/accounts/officer/disable", "/admin/accounts/officer/reset",
    "/admin/tokens", "/admin/tokens/1/revoke", "/admin/model/rollback",
]  # fmt: skip
CARD: dict[str, Any] = {
    "version": "learned-20270101-000000-000",
    "kind": "learned",
    "status": "refused",
    "created_at": "2027-01-01T00:00:00+00:00",
    "data": {"events": 1200, "until": "2026-12-31"},
    "kinds": {
        "vacancy": {
            "promoted": False,
            "challenger": {"ndcg@10": 0.61, "auc": 0.7},
            "champion": {"ndcg@10": 0.6, "auc": 0.71},
            "refused": [{"code": "worse_than_champion", "metric": "auc", "challenger": 0.7,
                         "champion": 0.71}],
            "fairness": {
                "sex": {
                    "groups": {
                        "m": {"referrals": 800, "successes": 90, "exposure": 1.04,
                              "exposure_high": 1.1, "opportunity": 0.52,
                              "opportunity_high": 0.6},
                        "f": {"referrals": 150, "successes": 12, "exposure": 0.71,
                              "exposure_high": 0.83, "opportunity": 0.41,
                              "opportunity_high": 0.55},
                    },
                    "exposure_ratio": {"ratio": 0.6827, "worst": "f", "clearly_below": True},
                    "opportunity_ratio": None,
                },
                "settlement": {
                    "groups": {
                        "urban": {"referrals": 600, "successes": 70, "exposure": 1.0,
                                  "exposure_high": 1.05, "opportunity": 0.5,
                                  "opportunity_high": 0.58},
                        "rural": {"referrals": 350, "successes": 32, "exposure": 0.95,
                                  "exposure_high": 1.02, "opportunity": None,
                                  "opportunity_high": None},
                    },
                    "exposure_ratio": {"ratio": 0.95, "worst": "rural", "clearly_below": False},
                    "opportunity_ratio": None,
                },
            },
        },
    },
}  # fmt: skip


def typed(html: str) -> str:
    """The page without what people typed or what names a record (logins, ids, column names
    of a file, request addresses: the cells marked ``code``), which may be any word."""
    html = re.sub(r'<(td|span|dd) class="code">.*?</\1>', "", html, flags=re.S)
    return re.sub(r'aria-label="[^"]*"', lambda m: re.sub(LOGINS, "", m.group(0)), html)


def web(key: str, lang: str, **params: object) -> str:
    return messages("service.web").text(key, lang, **params)


@pytest.fixture(scope="module")
def learned(site: Site) -> str:
    """A refused challenger's card (no file: it cannot serve), as a retraining leaves it."""
    with site.rt.writing() as session:
        if session.get(ModelVersion, CARD["version"]) is None:
            session.add(ModelVersion(version=CARD["version"], kind="learned", card=CARD))
            session.commit()
    return str(CARD["version"])


def upload(
    client: httpx.Client, body: bytes, *, kind: str = "vacancies", check: str = "0",
    csrf: str | None = None, name: str = "data.csv",
) -> httpx.Response:  # fmt: skip
    token = csrf if csrf is not None else csrf_of(client.get("/admin/imports").text)
    return client.post(
        "/admin/imports",
        data={"csrf": token, "kind": kind, "check": check},
        files={"file": (name, body, "text/csv")},
    )


def vacancies(site: Site) -> int:
    with site.rt.session() as session:
        return int(session.scalar(sa.select(sa.func.count()).select_from(Vacancy)) or 0)


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_admin_page_renders_in_the_language_without_codes(
    site: Site, learned: str, lang: str
) -> None:
    admin = logged_in(site, "admin", lang)
    for path in [*PAGES, f"/admin/model/versions/{learned}"]:
        page = admin.get(path)
        assert page.status_code == 200, (path, page.text[:500])
        assert f'<html lang="{lang}">' in page.text
        assert shown_codes(typed(page.text)) == set(), (path, shown_codes(typed(page.text)))
        assert "admin_" not in visible(page.text), path
    chart = admin.get(f"/admin/model/versions/{learned}").text
    assert chart.count("<svg") == 2
    assert 'role="img"' in chart
    assert messages("service").text("group_f", lang) in chart
    assert ("0,68" if lang != "en" else "0.68") in chart  # the worst-to-best ratio, in words
    assert messages("service").text("attribute_settlement", lang) in chart


def test_a_bad_file_shows_its_errors_and_writes_nothing(site: Site) -> None:
    admin = logged_in(site, "admin", "ru")
    before = vacancies(site)
    bad = csv_bytes(
        [vacancy(20, kato=AKTAU), vacancy(21, salary_kzt="много"), vacancy(22, kato=AKTAU)]
    )
    answer = upload(admin, bad)
    assert answer.status_code == 422
    rows = re.findall(r"<tr>\s*<td>(\d+)</td>\s*<td class=\"code\">([a-z_]+)</td>", answer.text)
    assert ("3", "salary_kzt") in rows
    assert web("admin_import_nothing_written", "ru") in answer.text
    assert vacancies(site) == before
    kk = logged_in(site, "admin", "kk")
    answer = upload(kk, bad)
    assert answer.status_code == 422
    assert web("admin_import_nothing_written", "kk") in answer.text
    assert shown_codes(typed(answer.text)) == set()


def test_a_good_file_is_checked_then_written(site: Site) -> None:
    admin = logged_in(site, "admin", "ru")
    before = vacancies(site)
    good = csv_bytes([vacancy(30, kato=AKTAU), vacancy(31, kato=AKTAU)])
    checked = upload(admin, good, check="1")
    assert checked.status_code == 200, checked.text
    assert web("admin_import_checked", "ru", kind=web("admin_kind_vacancies", "ru"), rows=2,
               inserted=2, updated=0) in checked.text  # fmt: skip
    assert vacancies(site) == before
    written = upload(admin, good)
    assert written.status_code == 200
    assert vacancies(site) == before + 2
    trail = admin.get("/admin/audit?person=%23import:vacancies").text
    assert web("admin_action_import_vacancies", "ru") in trail


def test_an_upload_refuses_no_kind_no_file_and_no_token(site: Site) -> None:
    admin = logged_in(site, "admin", "ru")
    good = csv_bytes([vacancy(40, kato=AKTAU)])
    assert upload(admin, good, kind="").status_code == 422
    assert web("admin_import_no_kind", "ru") in upload(admin, good, kind="nonsense").text
    assert web("admin_import_no_file", "ru") in upload(admin, b"").text
    assert upload(admin, good, csrf="forged").status_code == 403
    plain = admin.post("/admin/imports", data={"kind": "vacancies"})
    assert plain.status_code == 403
    assert admin.get("/admin/jobs").status_code == 200  # still signed in


def test_a_file_over_the_apis_limit_is_refused(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(api, "MAX_UPLOAD", 1000)
    admin = logged_in(site, "admin", "ru")
    answer = upload(admin, b"vacancy_id\n" + b"V1\n" * 40_000)
    assert answer.status_code == 413
    assert admin.get("/admin/imports").status_code == 200


def test_a_declared_length_over_the_limit_is_refused_before_the_body(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(api, "MAX_UPLOAD", 1000)
    admin = logged_in(site, "admin", "kk")
    answer = admin.post(  # declared over the limit (and under the server's own body limit)
        "/admin/imports",
        content=b"x" * 100_000,
        headers={"content-type": "multipart/form-data; boundary=b"},
    )
    assert answer.status_code == 413
    assert web("admin_import_too_large", "kk", mb=0) in answer.text


@pytest.mark.parametrize(
    ("n", "body"),
    [
        (45, b'--b\r\nContent-Disposition: form-data; name="kind"\r\n\r\nvacancies'),  # cut short
        (46, b"no boundary here at all"),
        (47, b"--b\r\nX-Other: 1\r\n\r\nvacancies\r\n--b--\r\n"),  # a part with no name
        (48, b""),
    ],
)
def test_a_malformed_body_is_a_clear_400_page_and_writes_nothing(
    site: Site, n: int, body: bytes
) -> None:
    admin = logged_in(site, "admin", "ru")
    token = csrf_of(admin.get("/admin/imports").text)
    before = vacancies(site)
    good = csv_bytes([vacancy(n, kato=AKTAU)])
    part = (
        b'--b\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n' + token.encode()
        + b'\r\n--b\r\nContent-Disposition: form-data; name="file"; filename="d.csv"\r\n'
        b"Content-Type: text/csv\r\n\r\n" + good
    )  # fmt: skip
    for sent in (body, part):  # the second: a real file whose closing boundary never came
        answer = admin.post(
            "/admin/imports", content=sent,
            headers={"content-type": "multipart/form-data; boundary=b"},
        )  # fmt: skip
        assert answer.status_code == 400, answer.text[:300]
        assert web("admin_import_bad_form", "ru") in answer.text
        assert shown_codes(typed(answer.text)) == set()
    assert vacancies(site) == before
    assert upload(admin, good).status_code == 200  # the same file, whole, is written
    assert vacancies(site) == before + 1


def test_a_large_file_goes_through_a_job_with_its_page(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(api, "LARGE_IMPORT", 10)
    admin = logged_in(site, "admin", "kk")
    before = vacancies(site)
    bad = csv_bytes([vacancy(50, kato=AKTAU), vacancy(51, salary_kzt="көп")])
    answer = upload(admin, bad)
    assert answer.status_code == 303
    job = answer.headers["location"]
    assert job.startswith("/admin/jobs/")
    run_queue(site)
    page = _finished(admin, job)
    assert web("admin_job_state_failed", "kk") in page.text
    assert re.search(r"<td>3</td><td class=\"code\">salary_kzt</td>", page.text)
    assert vacancies(site) == before
    answer = upload(admin, csv_bytes([vacancy(52, kato=AKTAU)]), check="0")
    run_queue(site)
    page = _finished(admin, answer.headers["location"])
    assert web("admin_job_state_succeeded", "kk") in page.text
    assert vacancies(site) == before + 1
    listing = admin.get("/admin/jobs").text
    assert job.rsplit("/", 1)[1][:8] in listing
    assert shown_codes(typed(listing)) == set()


def run_queue(site: Site) -> None:
    """On PostgreSQL jobs wait for a procrastinate worker: run one until the queue is empty
    (on SQLite the server's own child process runs them)."""
    if site.rt.bind.dialect.name != "postgresql":
        return
    from service.jobs import procrastinate_app

    def work() -> None:  # in a thread: a browser test's thread has its event loop running
        procrastinate_app.run_worker(site.rt, wait=False, install_signal_handlers=False)

    worker = threading.Thread(target=work)
    try:
        worker.start()
        worker.join(120)
    finally:
        procrastinate_app.close_deferrers()


def _finished(client: httpx.Client, url: str, seconds: float = 60) -> httpx.Response:
    deadline = time.monotonic() + seconds
    while True:
        page = client.get(url)
        assert page.status_code == 200, page.text
        if "Refresh" not in page.headers or time.monotonic() > deadline:
            return page
        assert page.headers["Refresh"] == "3"
        time.sleep(0.1)


def test_accounts_are_created_reset_and_disabled(site: Site) -> None:
    admin = logged_in(site, "admin", "ru")
    token = csrf_of(admin.get("/admin/accounts").text)
    made = admin.post(
        "/admin/accounts",
        data={"csrf": token, "role": "employer", "login": "new-employer",
              "employer_bin": bin_number(9), "name": "Асель Нурланова", "lang": "kk"},
    )  # fmt: skip
    assert made.status_code == 201, made.text
    password = re.search(r'id="one-time" class="code" value="([^"]+)"', made.text)
    assert password
    again = admin.get("/admin/accounts").text
    assert password.group(1) not in again  # shown once
    assert "new-employer" in again
    assert web("admin_account_state_must_change", "ru") in again
    fresh = httpx.Client(base_url=site.base, timeout=60)
    form = csrf_of(fresh.get("/login").text)
    answer = fresh.post(
        "/login", data={"csrf": form, "login": "new-employer", "password": password.group(1)}
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == "/password"

    refused = admin.post(
        "/admin/accounts",
        data={"csrf": token, "role": "employer", "login": "no-bin", "lang": "ru"},
    )
    assert refused.status_code == 422
    assert web("account_employer_needs_bin", "ru") in refused.text
    assert 'value="no-bin"' in refused.text  # what was typed stays

    reset = admin.post("/admin/accounts/new-employer/reset", data={"csrf": token})
    assert reset.status_code == 200
    assert web("admin_password_reset", "ru", login="new-employer") in reset.text
    disabled = admin.post("/admin/accounts/new-employer/disable", data={"csrf": token})
    assert web("admin_account_disabled", "ru", login="new-employer") in disabled.text
    with site.rt.session() as session:
        row = session.scalar(sa.select(Account).where(col(Account.login) == "new-employer"))
        assert row is not None
        assert row.disabled_at is not None
    unknown = admin.post("/admin/accounts/nobody-here/disable", data={"csrf": token})
    assert unknown.status_code == 404
    assert web("account_unknown", "ru", login="nobody-here") in unknown.text
    itself = admin.post("/admin/accounts/admin/disable", data={"csrf": token})
    assert itself.status_code == 409


def test_tokens_are_made_shown_once_and_the_last_admin_one_stays(site: Site) -> None:
    admin = logged_in(site, "admin", "ru")
    token = csrf_of(admin.get("/admin/tokens").text)
    made = admin.post(
        "/admin/tokens",
        data={"csrf": token, "role": "admin", "label": "Интеграция ЕЦ", "days": "30"},
    )
    assert made.status_code == 201, made.text
    secret = re.search(r'id="new-token" class="code" value="([^"]+)"', made.text)
    assert secret
    health = httpx.get(
        site.base + "/api/v1/health", headers={"Authorization": f"Bearer {secret.group(1)}"}
    )
    assert health.json().get("version")
    listing = admin.get("/admin/tokens").text
    assert "Интеграция ЕЦ" in listing
    assert secret.group(1) not in listing
    with site.rt.session() as session:
        live = session.scalars(
            sa.select(ApiToken).where(
                col(ApiToken.role) == "admin", col(ApiToken.revoked_at).is_(None)
            )
        ).all()
    assert len(live) == 1
    refused = admin.post(f"/admin/tokens/{live[0].id}/revoke", data={"csrf": token})
    assert refused.status_code == 409
    assert messages("service").text("api_last_admin", "ru") in refused.text
    staff = admin.post(
        "/admin/tokens", data={"csrf": token, "role": "officer", "region": "470000000"}
    )
    staff_id = re.search(r"№ (\d+)", staff.text)
    assert staff.status_code == 201
    assert staff_id
    revoked = admin.post(f"/admin/tokens/{staff_id.group(1)}/revoke", data={"csrf": token})
    assert revoked.status_code == 200
    assert web("admin_token_revoked", "ru", id=int(staff_id.group(1))) in revoked.text
    assert admin.post("/admin/tokens/999999/revoke", data={"csrf": token}).status_code == 404


def test_the_model_rolls_back_through_the_use_case(site: Site, learned: str) -> None:
    admin = logged_in(site, "admin", "ru")
    token = csrf_of(admin.get("/admin/model").text)
    refused = admin.post("/admin/model/rollback", data={"csrf": token, "version": learned})
    assert refused.status_code == 404  # a refused challenger has no file to serve
    said = messages("service").text("api_unknown_version", "ru", version=learned)
    assert said in refused.text.replace("&#34;", '"')
    unknown = admin.post("/admin/model/rollback", data={"csrf": token, "version": "learned-x"})
    assert unknown.status_code == 404
    assert admin.get("/admin/model/versions/learned-nothing").status_code == 404
    assert admin.get(f"/admin/model/versions/{modelstore.BASELINE}").status_code == 200
    baseline = admin.post(
        "/admin/model/rollback", data={"csrf": token, "version": modelstore.BASELINE}
    )
    assert baseline.status_code == 200
    assert web("admin_rolled_back", "ru", version=modelstore.BASELINE) in baseline.text


def test_the_audit_trail_filters_pages_and_verifies(site: Site) -> None:
    officer = logged_in(site, "officer", "ru")
    for _ in range(3):
        assert officer.get("/persons/P00002").status_code == 200
    admin = logged_in(site, "admin", "ru")
    mine = admin.get("/admin/audit?login=officer&person=P00002").text
    assert mine.count('<span class="code">officer</span> (') >= 3
    assert "P00003" not in re.sub(r"<form.*?</form>", "", mine, flags=re.S)
    unknown = admin.get("/admin/audit?login=nobody-here")
    assert unknown.status_code == 422
    assert web("account_unknown", "ru", login="nobody-here") in unknown.text
    assert admin.get("/admin/audit?since=31.13.2027").status_code == 422
    assert admin.get("/admin/audit?since=01.01.2000&until=31.12.2099").status_code == 200
    future = admin.get("/admin/audit?since=2099-01-01").text
    assert web("admin_audit_empty", "ru") in future
    for _ in range(50):
        officer.get("/persons/P00001")
    first = admin.get("/admin/audit?person=P00001").text
    assert "page=2" in first
    second = admin.get("/admin/audit?person=P00001&page=2")
    assert second.status_code == 200
    assert "page=1" in second.text
    verdict = admin.get("/admin/audit?verify=1").text
    assert "Цепочка цела" in verdict
    with site.rt.writing() as session:  # an event edited behind the trail's back
        event = session.scalars(sa.select(AuditEvent).order_by(col(AuditEvent.id))).first()
        assert event is not None
        was = event.action
        event.action = "update" if was == "read" else "read"
        session.add(event)
        session.commit()
        edited = event.id
    try:
        broken = admin.get("/admin/audit?verify=1").text
        assert f"№ {edited}" in broken
        assert web("admin_chain_reason_mismatch", "ru") in broken
    finally:
        with site.rt.writing() as session:
            session.execute(
                sa.update(AuditEvent).where(col(AuditEvent.id) == edited).values(action=was)
            )
            session.commit()
    assert "Цепочка цела" in admin.get("/admin/audit?verify=1").text


def test_every_admin_page_is_not_found_to_other_roles(site: Site) -> None:
    for login in ("officer", "inspector", "employer"):
        client = logged_in(site, login, "ru")
        token = csrf_of(client.get("/referrals").text)
        for path in [*PAGES, "/admin", "/admin/jobs/abc123", "/admin/model/versions/baseline"]:
            assert client.get(path).status_code == 404, (login, path)
        for path in FORMS:
            assert client.post(path, data={"csrf": token}).status_code == 404, (login, path)
        assert upload(client, b"a\n1\n", csrf=token).status_code == 404
    anonymous = httpx.Client(base_url=site.base, timeout=60)
    answer = anonymous.get("/admin/accounts")
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/login")


def test_every_admin_form_without_its_token_is_refused(site: Site) -> None:
    admin = logged_in(site, "admin", "ru")
    for path in FORMS:
        assert admin.post(path, data={"role": "officer", "login": "x-y"}).status_code == 403
    with site.rt.session() as session:
        assert session.scalar(sa.select(Account).where(col(Account.login) == "x-y")) is None
    assert logged_in(site, "officer", "ru").get("/persons").status_code == 200


def test_a_waiting_job_and_the_list_reload_themselves_until_it_ends(site: Site) -> None:
    from service.jobs import store

    with site.rt.writing() as session:
        job = store.create(
            session, kind="retrain", params={"lang": "ru"}, created_by="test",
            backend="procrastinate",
        )  # fmt: skip
    admin = logged_in(site, "admin", "ru")
    for url in ("/admin/jobs", f"/admin/jobs/{job.id}"):
        page = admin.get(url)
        assert page.headers.get("Refresh") == "3", url
        assert web("admin_job_state_queued", "ru") in page.text
    with site.rt.writing() as session:
        result: dict[str, object] = {"version": "learned-x", "promoted": False, "refused": []}
        store.finish(session, job.id, result=result)
        session.commit()
    page = admin.get(f"/admin/jobs/{job.id}")
    assert "Refresh" not in page.headers
    assert web("admin_retrain_refused", "ru", version="learned-x") in page.text
    assert admin.get("/admin/jobs/nothere").status_code == 404


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_an_allocation_in_progress_reloads_itself_until_it_ends(site: Site, lang: str) -> None:
    from service.jobs import store
    from tests.web.conftest import REGION

    with site.rt.session() as session:
        officer_id = session.exec(sa.select(Account.id).where(Account.login == "officer")).one()[0]
    with site.rt.writing() as session:
        job = store.create(
            session, kind="allocation", created_by=f"officer:account:{officer_id}",
            params={"kato": REGION, "release_from": "2027-01-01", "release_to": "2027-03-31"},
            backend="procrastinate",
        )  # fmt: skip
    officer = logged_in(site, "officer", lang)
    page = officer.get(f"/allocations/{job.id}")
    assert page.status_code == 200, page.text[:300]
    assert page.headers.get("Refresh") == "3"
    assert web("allocation_running", lang, percent=0) in page.text
    assert "01.01.2027" in page.text
    assert "31.03.2027" in page.text
    with site.rt.writing() as session:
        result: dict[str, object] = {"summary": {"persons": 0}, "assignments": []}
        store.finish(session, job.id, result=result)
        session.commit()
    page = officer.get(f"/allocations/{job.id}")
    assert page.status_code == 200
    assert "Refresh" not in page.headers
    assert logged_in(site, "inspector", lang).get(f"/allocations/{job.id}").status_code == 404
