"""The plan's pages over HTTP: the editor, the printed plan and the overdue actions render in
kk and ru with no missing text and no English code; every change the editor offers, made
through its forms, lands in a new version that the history tells in words; scope and CSRF."""

from __future__ import annotations

import re
from datetime import date, timedelta

import httpx
import pytest

from catalogs.i18n import messages
from service.store import accounts
from service.usecases import plan_sheet, plans
from service.usecases.actor import Actor
from service.web.pages import t
from tests.web.conftest import Site
from tests.web.test_pages import csrf_of, logged_in, shown_codes, visible

PERSON = {"kk": "P00001", "ru": "P00002"}


def made(client: httpx.Client, person_id: str) -> str:
    """The plan made from the person page; the plan page's HTML."""
    page = client.get(f"/persons/{person_id}")
    answer = client.post(f"/persons/{person_id}/plan", data={"csrf": csrf_of(page.text)})
    assert answer.status_code == 303
    page = client.get(f"/persons/{person_id}/plan")
    assert page.status_code == 200, page.text
    return page.text


def first_action(site: Site, person_id: str, status: str = "planned") -> dict[str, object]:
    body = plans.read(site.rt, Actor.command("test"), person_id).version.body
    return next(a for a in body["actions"] if a["status"] == status)


def post(client: httpx.Client, url: str, page: str, **fields: str) -> httpx.Response:
    return client.post(url, data={"csrf": csrf_of(page), **fields})


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_plan_page_renders_in_the_language(site: Site, lang: str) -> None:
    inspector = logged_in(site, "inspector", lang)
    person_id = PERSON[lang]
    html = made(inspector, person_id)
    assert f'lang="{lang}"' in html
    assert not shown_codes(html), shown_codes(html)
    for part in ("plan_part_1", "plan_part_4", "plan_part_5", "plan_part_6"):
        assert messages("matcher").text(part, lang) in html
    assert t("plan_history", lang) in visible(html)
    assert 'href="/plans/overdue"' in html  # the menu leads to the overdue actions

    printed = inspector.get(f"/persons/{person_id}/plan/print")
    assert printed.status_code == 200
    assert not shown_codes(printed.text), shown_codes(printed.text)
    assert "<style" not in printed.text
    assert "style=" not in printed.text
    assert 'href="/plans/sheet.css"' in printed.text
    assert "script-src" not in printed.headers["content-security-policy"]
    words = visible(printed.text)
    assert f"Жумабаев Ержан {person_id[-1]}" in words
    assert "Айгерім Сапарова" in words  # the inspector who prints it
    assert t("plan_sign_person", lang) in words
    assert t("plan_sign_inspector", lang) in words
    assert not re.search(r"\d{4}-\d\d-\d\d", words), "a day not written as 27.01.2027"

    late = inspector.get("/plans/overdue")
    assert late.status_code == 200
    assert not shown_codes(late.text), shown_codes(late.text)
    assert t("overdue_title", lang) in visible(late.text)


def test_the_pages_and_the_api_print_one_document(site: Site) -> None:
    """The print view and the API's ``format=html`` are one document: the same words, places
    and signature lines; the API's carries its style sheet (a file that prints alone), the
    page links it (no inline style under the pages' policy) and adds a bar back to the plan."""
    inspector = logged_in(site, "inspector", "ru")
    person_id = "P00004"
    made(inspector, person_id)
    page = inspector.get(f"/persons/{person_id}/plan/print").text
    with site.rt.session() as session:
        account = accounts.by_login(session, "inspector")
    assert account is not None
    actor = Actor.of_account(account, method="GET", route="/")
    alone = plan_sheet.printed(plan_sheet.sheet(site.rt, actor, person_id), "ru")
    assert "@page { size: A4" in alone.split("<style>")[1]
    assert 'href="/plans/sheet.css"' not in alone
    assert t("plan_back_to_plan", "ru") in page
    assert t("plan_back_to_plan", "ru") not in alone

    def main(html: str) -> str:
        return visible(html.split("<main>")[1].split("</main>")[0])

    assert main(page) == main(alone)
    assert t("plan_sign_inspector", "ru") in main(alone)
    assert t("plan_places", "ru") in main(alone)  # the places with their addresses and phones


def test_the_style_sheet_prints_on_a4(site: Site) -> None:
    sheet = httpx.get(site.base + "/plans/sheet.css")
    assert sheet.status_code == 200
    assert re.search(r"@page\s*{\s*size:\s*A4", sheet.text)


def test_each_change_is_a_version_told_in_words(site: Site) -> None:
    inspector = logged_in(site, "inspector", "ru")
    person_id = "P00003"
    page = made(inspector, person_id)
    base = f"/persons/{person_id}/plan"

    done = first_action(site, person_id)
    answer = post(inspector, f"{base}/actions/{done['id']}", page, do="done")
    assert answer.status_code == 303
    assert answer.headers["location"] == f"{base}#action-{done['id']}"
    assert first_action(site, person_id, "done")["id"] == done["id"]

    page = inspector.get(base).text
    dropped = first_action(site, person_id)
    refused = post(inspector, f"{base}/actions/{dropped['id']}", page, do="drop", reason="  ")
    assert refused.status_code == 400
    assert t("plan_error_reason", "ru") in visible(refused.text)
    answer = post(
        inspector, f"{base}/actions/{dropped['id']}", page, do="drop", reason="Семья дала жильё"
    )
    assert answer.status_code == 303
    assert first_action(site, person_id, "dropped")["note"] == "Семья дала жильё"

    page = inspector.get(base).text
    past = date.today() - timedelta(days=12)
    changed = first_action(site, person_id)
    answer = post(
        inspector, f"{base}/actions/{changed['id']}", page, do="change", due=past.isoformat(),
        responsible="ngo", note="Звонить по понедельникам",
    )  # fmt: skip
    assert answer.status_code == 303
    body = plans.read(site.rt, Actor.command("test"), person_id).version.body
    now = next(a for a in body["actions"] if a["id"] == changed["id"])
    assert (now["due"], now["responsible"], now["note"]) == (
        past.isoformat(),
        "ngo",
        "Звонить по понедельникам",
    )

    page = inspector.get(base).text
    answer = post(
        inspector, f"{base}/actions", page, text="Встреча с матерью в учреждении",
        part="before_release", responsible="probation_service",
        due=(date.today() + timedelta(days=5)).isoformat(),
    )  # fmt: skip
    assert answer.status_code == 303
    assert answer.headers["location"] == f"{base}#add"
    page = inspector.get(base).text
    assert "Встреча с матерью в учреждении" in page
    assert not shown_codes(page)

    history = visible(page.split('id="history"')[1])
    assert t("plan_diff_made", "ru") in history
    assert "Семья дала жильё" in history
    assert past.strftime("%d.%m.%Y") in history
    assert "НКО" in history  # the new responsible agency, in words
    assert "Встреча с матерью в учреждении" in history
    assert "Айгерім Сапарова" in history  # who made each change
    assert len(plans.history(site.rt, Actor.command("test"), person_id)) == 5

    late = inspector.get("/plans/overdue").text
    assert f'href="{base}#action-{changed["id"]}"' in late
    assert t("overdue_days", "ru", days=12) in visible(late)

    printed = visible(inspector.get(f"{base}/print").text)
    assert past.strftime("%d.%m.%Y") in printed
    assert "Встреча с матерью в учреждении" in printed

    # any version prints, each from the history: the first knew nothing of the added action
    assert f'href="{base}/print?version=1"' in page
    first = inspector.get(f"{base}/print", params={"version": 1})
    assert first.status_code == 200
    assert "Встреча с матерью в учреждении" not in visible(first.text)
    assert t("plan_made", "ru", version=1, date=date.today().strftime("%d.%m.%Y")) in visible(
        first.text
    )
    assert inspector.get(f"{base}/print", params={"version": 99}).status_code == 404


def test_regenerating_keeps_the_inspectors_decisions(site: Site) -> None:
    inspector = logged_in(site, "inspector", "kk")
    person_id = "P00004"
    page = made(inspector, person_id)
    done = first_action(site, person_id)
    post(inspector, f"/persons/{person_id}/plan/actions/{done['id']}", page, do="done")
    page = inspector.get(f"/persons/{person_id}/plan").text
    answer = post(inspector, f"/persons/{person_id}/plan", page, back="plan")
    assert answer.headers["location"] == f"/persons/{person_id}/plan#history"
    body = plans.read(site.rt, Actor.command("test"), person_id).version.body
    assert next(a for a in body["actions"] if a["id"] == done["id"])["status"] == "done"
    page = inspector.get(f"/persons/{person_id}/plan").text
    assert t("plan_change_regenerated", "kk") in visible(page)


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"do": "change", "due": "2027-02-30", "responsible": "ngo"}, "plan_error_day"),
        ({"do": "change", "due": "1999-12-31", "responsible": "ngo"}, "plan_error_day"),
        ({"do": "change", "due": "2027-01-27", "responsible": "police"}, "plan_error_who"),
        ({"do": "erase"}, "plan_error_what"),
        ({"do": "drop", "reason": "x" * 1001}, "plan_error_long"),
    ],
)
def test_a_wrong_field_is_said_not_failed(site: Site, fields: dict[str, str], key: str) -> None:
    inspector = logged_in(site, "inspector", "kk")
    person_id = "P00005"
    page = inspector.get(f"/persons/{person_id}/plan")
    html = (
        page.text
        if page.status_code == 200 and "plan-editor" in page.text
        else made(inspector, person_id)
    )
    action = first_action(site, person_id)
    answer = post(inspector, f"/persons/{person_id}/plan/actions/{action['id']}", html, **fields)
    assert answer.status_code == 400
    assert t(key, "kk") in visible(answer.text)


def test_adding_needs_text_part_and_day(site: Site) -> None:
    inspector = logged_in(site, "inspector", "ru")
    person_id = "P00006"
    html = made(inspector, person_id)
    for fields, key in (
        ({"text": " ", "part": "housing", "responsible": "akimat", "due": "2027-01-27"},
         "plan_error_text"),
        ({"text": "Жильё", "part": "prison", "responsible": "akimat", "due": "2027-01-27"},
         "plan_error_part"),
        ({"text": "Жильё", "part": "housing", "responsible": "akimat", "due": ""},
         "plan_error_day"),
    ):  # fmt: skip
        answer = post(inspector, f"/persons/{person_id}/plan/actions", html, **fields)
        assert answer.status_code == 400
        assert t(key, "ru") in visible(answer.text)
        assert f'value="{fields["part"]}" selected' in answer.text or key == "plan_error_part"
    unknown = post(inspector, f"/persons/{person_id}/plan/actions/no-such", html, do="done")
    assert unknown.status_code == 404


def test_no_plan_yet_leads_to_the_person_page(site: Site) -> None:
    inspector = logged_in(site, "inspector", "ru")
    answer = inspector.get("/persons/P00008/plan")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/persons/P00008#plan"
    assert inspector.get("/persons/P00008/plan/print").status_code == 404


def test_out_of_scope_is_the_404_page(site: Site) -> None:
    admin = logged_in(site, "admin", "ru")
    html = made(admin, "P00050")  # another region's person, with an overdue action
    late = first_action(site, "P00050")
    post(admin, f"/persons/P00050/plan/actions/{late['id']}", html, do="change",
         due="2020-01-10", responsible="ngo")  # fmt: skip
    assert "/persons/P00050/plan#action-" in admin.get("/plans/overdue").text
    printed = visible(admin.get("/persons/P00050/plan/print").text)
    assert "Айгерім Сапарова" not in printed  # no inspector had a hand in it: a line to sign on
    inspector = logged_in(site, "inspector", "ru")
    page = inspector.get("/plans/overdue").text
    for url in ("/persons/P00050/plan", "/persons/P00050/plan/print"):
        assert inspector.get(url).status_code == 404
    action = first_action(site, "P00050")
    refused = post(inspector, f"/persons/P00050/plan/actions/{action['id']}", page, do="done")
    assert refused.status_code == 404
    refused = post(
        inspector, "/persons/P00050/plan/actions", page, text="Жильё", part="housing",
        responsible="akimat", due="2027-01-27",
    )  # fmt: skip
    assert refused.status_code == 404
    assert first_action(site, "P00050")["id"] == action["id"]  # nothing changed
    assert "P00050" not in page
    employer = logged_in(site, "employer", "ru")
    for url in ("/persons/P00001/plan", "/persons/P00001/plan/print", "/plans/overdue"):
        answer = employer.get(url)
        assert answer.status_code == 404
        assert t("error_404", "ru") in answer.text


def test_forms_without_their_token_are_refused(site: Site) -> None:
    inspector = logged_in(site, "inspector", "ru")
    made(inspector, "P00007")
    action = first_action(site, "P00007")
    before = len(plans.history(site.rt, Actor.command("test"), "P00007"))
    for url, fields in (
        (f"/persons/P00007/plan/actions/{action['id']}", {"do": "done"}),
        ("/persons/P00007/plan/actions",
         {"text": "Жильё", "part": "housing", "responsible": "akimat", "due": "2027-01-27"}),
        ("/persons/P00007/plan", {"back": "plan"}),
    ):  # fmt: skip
        for token in ({}, {"csrf": "forged"}):
            answer = inspector.post(url, data={**fields, **token})
            assert answer.status_code == 403
            assert t("error_403", "ru") in answer.text
    assert len(plans.history(site.rt, Actor.command("test"), "P00007")) == before


def test_the_officer_edits_as_the_use_cases_allow(site: Site) -> None:
    made(logged_in(site, "inspector", "kk"), "P00007")
    officer = logged_in(site, "officer", "kk")
    html = made(officer, "P00007")
    action = first_action(site, "P00007")
    answer = post(officer, f"/persons/P00007/plan/actions/{action['id']}", html, do="done")
    assert answer.status_code == 303
    printed = visible(officer.get("/persons/P00007/plan/print").text)
    assert "Айгерім Сапарова" in printed  # the inspector who made the plan signs, not the officer


def test_the_overdue_list_is_audited_and_says_when_it_is_cut(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlalchemy as sa
    from sqlmodel import col

    from service.store import accounts
    from service.store.tables import AuditEvent
    from service.usecases import overdue

    admin = logged_in(site, "admin", "kk")
    html = made(admin, "P00006")
    late = first_action(site, "P00006")
    post(admin, f"/persons/P00006/plan/actions/{late['id']}", html, do="change",
         due="2021-03-01", responsible="akimat")  # fmt: skip

    def reads() -> int:
        with site.rt.session() as session:
            account = accounts.by_login(session, "admin")
            assert account is not None
            return len(
                session.scalars(
                    sa.select(col(AuditEvent.id)).where(
                        col(AuditEvent.person_id) == "P00006",
                        col(AuditEvent.account_id) == account.id,
                        col(AuditEvent.action) == "plan_read",
                    )
                ).all()
            )

    before = reads()
    page = admin.get("/plans/overdue").text
    assert f'href="/persons/P00006/plan#action-{late["id"]}"' in page
    assert reads() == before + 1
    assert t("overdue_cut", "kk", limit=1) not in visible(page)
    monkeypatch.setattr(overdue, "LIMIT", 1)
    assert t("overdue_cut", "kk", limit=1) in visible(admin.get("/plans/overdue").text)


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_an_action_names_its_responsible_person(site: Site, lang: str) -> None:
    inspector = logged_in(site, "inspector", lang)
    person_id = {"kk": "P00004", "ru": "P00008"}[lang]
    page = made(inspector, person_id)
    base = f"/persons/{person_id}/plan"
    action = first_action(site, person_id)
    label = t("plan_who_name", lang)
    assert f'<label for="who-name-{action["id"]}">{label}</label>' in page
    assert f'id="who-name-{action["id"]}" name="responsible_name" maxlength="120"' in page
    assert f'<label for="add-who-name">{label}</label>' in page

    name = "Сапарова Айгерім"
    answer = post(
        inspector, f"{base}/actions/{action['id']}", page, do="change", due=str(action["due"]),
        responsible="ngo", responsible_name=f"  {name} ",
    )  # fmt: skip
    assert answer.status_code == 303
    assert named(site, person_id, action["id"]) == name
    page = inspector.get(base).text
    agency = messages("matcher").text("plan_who_ngo", lang)
    assert f"{agency} — {name}" in visible(page)
    assert f'value="{name}"' in page  # the edit form holds it

    for bad, status in (("Иван\x01ов", 422), ("И" * 121, 422)):
        refused = post(
            inspector, f"{base}/actions/{action['id']}", page, do="change",
            due=str(action["due"]), responsible="ngo", responsible_name=bad,
        )  # fmt: skip
        assert refused.status_code == status
        said = messages("service").text("plan_bad_responsible_name", lang, max=120)
        assert said in visible(refused.text)
    assert named(site, person_id, action["id"]) == name

    added = post(
        inspector, f"{base}/actions", page, text="Встреча с работодателем", part="employment",
        responsible="employment_centre", responsible_name="Ким Ольга",
        due=(date.today() + timedelta(days=9)).isoformat(),
    )  # fmt: skip
    assert added.status_code == 303
    body = plans.read(site.rt, Actor.command("test"), person_id).version.body
    manual = next(
        a for a in body["actions"] if a["params"].get("text") == "Встреча с работодателем"
    )
    assert manual["responsible_name"] == "Ким Ольга"
    refused = post(
        inspector, f"{base}/actions", page, text="Встреча", part="employment",
        responsible="employment_centre", responsible_name="Ким\x7fОльга",
        due=(date.today() + timedelta(days=9)).isoformat(),
    )  # fmt: skip
    assert refused.status_code == 422
    assert 'value="Ким' in refused.text  # what was typed is kept

    page = inspector.get(base).text
    cleared = post(
        inspector, f"{base}/actions/{action['id']}", page, do="change", due=str(action["due"]),
        responsible="ngo", responsible_name="",
    )  # fmt: skip
    assert cleared.status_code == 303
    assert named(site, person_id, action["id"]) is None

    page = inspector.get(base).text
    history = visible(page.split('id="history"')[1])
    what = action_texts_of(site, person_id, lang)[str(action["id"])]
    assert t("plan_diff_who_name", lang, what=what, name=name) in history
    assert t("plan_diff_who_name_cleared", lang, what=what) in history
    assert not shown_codes(page)

    printed = visible(inspector.get(f"{base}/print").text)
    assert "Ким Ольга" in printed
    assert name not in printed  # cleared since


def named(site: Site, person_id: str, action_id: object) -> str | None:
    body = plans.read(site.rt, Actor.command("test"), person_id).version.body
    found: str | None = next(a for a in body["actions"] if a["id"] == action_id).get(
        "responsible_name"
    )
    return found


def action_texts_of(site: Site, person_id: str, lang: str) -> dict[str, str]:
    from service.web.plan_view import action_texts

    plan = plans.read(site.rt, Actor.command("test"), person_id)
    found = action_texts(plan.version.body, lang, plan.labels)
    return {key: words["text"] for key, words in found.items()}


def test_the_editor_shows_the_derived_dates_and_what_an_edit_moved(site: Site) -> None:
    """Issue 15 over HTTP: the dates the plan derives are on the page; an edit's history entry
    says what it moved in the words of the JSON answer (``rendering.recomputed_texts``); a
    dropped action offers no «mark done»."""
    from service.plans.rendering import recomputed_texts

    inspector = logged_in(site, "inspector", "ru")
    person_id = "P00005"
    base = f"/persons/{person_id}/plan"
    page = made(inspector, person_id)
    first = plans.read(site.rt, Actor.command("test"), person_id).version.body
    dates = visible(page.split('id="dates"')[1].split("</section>")[0])
    pay = date.fromisoformat(first["first_pay_day"])
    assert f"{t('plan_first_pay_day', 'ru')} {pay:%d.%m.%Y}" in dates

    job = next(a for a in first["actions"] if a["id"] == "job_referral")
    later = date.fromisoformat(job["due"]) + timedelta(days=7)
    answer = post(
        inspector, f"{base}/actions/job_referral", page, do="change", due=later.isoformat(),
        responsible=job["responsible"],
    )  # fmt: skip
    assert answer.status_code == 303
    moved = plans.read(site.rt, Actor.command("test"), person_id).version.body
    said = recomputed_texts(moved, "ru")
    assert messages("matcher").text(
        "plan_moved_first_pay", "ru", **{"from": first["first_pay_day"], "to": moved["first_pay_day"]}
    ) in said  # fmt: skip
    page = inspector.get(base).text
    newest = visible(page.split('id="history"')[1].split('<li class="card">')[1])
    assert t("plan_moved_title", "ru") in newest
    for line in said:
        assert line in newest
    assert f"{later:%d.%m.%Y}" in newest  # the inspector's own change as well
    assert f"{date.fromisoformat(moved['first_pay_day']):%d.%m.%Y}" in visible(
        page.split('id="dates"')[1].split("</section>")[0]
    )

    answer = post(inspector, f"{base}/actions/job_referral", page, do="drop", reason="Отказался")
    assert answer.status_code == 303
    page = inspector.get(base).text
    card = page.split('id="action-job_referral"')[1].split("</li>\n")[0]
    assert 'value="done"' not in card
    assert 'value="planned"' in card  # back into the plan is still offered
    newest = visible(page.split('id="history"')[1].split('<li class="card">')[1])
    risk = messages("matcher").text("plan_risk_no_job_option", "ru")
    assert messages("matcher").text("plan_risk_added", "ru", risk=risk) in newest
    assert not shown_codes(page)
