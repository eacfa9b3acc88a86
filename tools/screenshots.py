"""Screenshots of the pages in Kazakh and Russian, for docs/screenshots/.

Run against a demo database (``./dev demo --no-serve`` first; MATCHER_HOME or DATABASE_URL
choose it) with Debian's chromium:

    .venv/bin/python tools/screenshots.py [--out docs/screenshots]

It adds two accounts (``shots-officer``, ``shots-employer``) and one referral waiting for the
employer's answer, serves the application on a free port, and photographs the login page, the
caseload (released within 12 weeks), a person page, the person's plan as printed and the
employer's referrals.
"""

from __future__ import annotations

import argparse
import socket
import threading
import time
from pathlib import Path

import sqlalchemy as sa
import uvicorn
from sqlmodel import col

from service.api.app import create_app
from service.config import Settings
from service.runtime import Runtime
from service.store import accounts
from service.store.tables import Person, Vacancy
from service.store.workflow import Referral
from service.usecases import referrals
from service.usecases.actor import Actor

PASSWORD = "screenshots-only-1"
CHROMIUM = "/usr/bin/chromium"
LANG_BUTTON = {"kk": "Қазақша", "ru": "Русский"}
CITIES = ("710000000", "750000000", "790000000")


def prepare(rt: Runtime) -> str:
    """The two accounts, and a referral of a person of the officer's region to a quota vacancy
    of the employer (both in that region); returns the person referred."""
    with rt.writing() as session:
        first = session.scalars(  # a region with districts (not one of the three cities)
            sa.select(Person)
            .where(~col(Person.region_kato).in_(CITIES))
            .order_by(col(Person.person_id))
            .limit(1)
        ).one()
        region = first.region_kato
        quota = session.scalars(
            sa.select(Vacancy)
            .where(col(Vacancy.is_quota).is_(True), col(Vacancy.status) == "open",
                   col(Vacancy.region_kato) == region)
            .order_by(col(Vacancy.vacancy_id))
        ).first()  # fmt: skip
        assert quota is not None, "no open quota vacancy in the first person's region"
        for role, login, scope in (
            ("officer", "shots-officer", {"region_kato": region}),
            ("employer", "shots-employer", {"employer_bin": quota.employer_bin}),
        ):
            row = accounts.by_login(session, login)
            if row is None:
                accounts.create(session, role=role, login=login, password=PASSWORD,
                                must_change_password=False, **scope)  # fmt: skip
            else:  # made by an earlier run, perhaps on other demo data
                row.region_kato = scope.get("region_kato")
                row.employer_bin = scope.get("employer_bin")
                accounts.set_password(session, row, PASSWORD, must_change=False)
        waiting = session.scalars(
            sa.select(Referral).where(col(Referral.employer_bin) == quota.employer_bin,
                                      col(Referral.state).in_(("sent", "viewed")))
        ).first()  # fmt: skip
        people = session.scalars(
            sa.select(Person.person_id).where(col(Person.region_kato) == region)
            .order_by(col(Person.person_id)).limit(3)
        ).all()  # fmt: skip
        vacancy_id = quota.vacancy_id
        waiting_person = waiting.person_id if waiting is not None else None
        session.commit()
    if waiting_person is not None:
        return waiting_person
    for person_id in people:
        try:
            referrals.refer(rt, Actor.command("screenshots"), person_id=person_id,
                            item_kind="vacancy", item_id=vacancy_id)  # fmt: skip
            return person_id
        except Exception as error:  # another person may be referred where this one cannot
            print(f"no referral for {person_id}: {error}")
    return people[0]


def serve(rt: Runtime) -> tuple[uvicorn.Server, threading.Thread, str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    server = uvicorn.Server(
        uvicorn.Config(create_app(rt), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.1)
    return server, thread, f"http://127.0.0.1:{port}"


def shoot(base: str, out: Path, person_id: str) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for lang, button in LANG_BUTTON.items():
            for login, pages in (
                ("shots-officer", ["caseload", "person", "plan"]),
                ("shots-employer", ["referrals"]),
            ):
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                page.goto(base + "/login")
                page.get_by_role("button", name=button).click()
                if login == "shots-officer":
                    page.screenshot(path=str(out / f"login-{lang}.png"), full_page=True)
                page.locator("#login").fill(login)
                page.locator("#password").fill(PASSWORD)
                page.locator("form[action='/login'] button[type=submit]").click()
                for name in pages:
                    if name == "caseload":
                        page.goto(base + "/persons?release=12")
                    elif name == "person":
                        page.goto(f"{base}/persons/{person_id}")
                    elif name == "plan":
                        page.goto(f"{base}/persons/{person_id}")
                        page.locator("#plan form button").click()
                        page.goto(f"{base}/persons/{person_id}/plan")
                    else:
                        page.goto(base + "/referrals")
                    # the person page is long: its first screen, then the referrals
                    whole = name != "person"
                    page.screenshot(path=str(out / f"{name}-{lang}.png"), full_page=whole)
                    if not whole:
                        page.locator("#referrals").scroll_into_view_if_needed()
                        page.screenshot(path=str(out / f"{name}-referrals-{lang}.png"))
                context.close()
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    rt = Runtime.from_settings(Settings())
    person_id = prepare(rt)
    server, thread, base = serve(rt)
    try:
        shoot(base, args.out, person_id)
    finally:
        server.should_exit = True
        thread.join(10)
    print(f"screenshots in {args.out}")


if __name__ == "__main__":
    main()
