"""Notifications: rendered in the recipient's language with nothing sensitive, written once per
key, switched off or addressless as the recipient's record says, and delivered to a real SMTP
server (aiosmtpd, started here) with retries, once each even when two deliveries race."""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

import pytest
import sqlalchemy as sa
from pydantic import SecretStr
from sqlmodel import Session, col, select

from service.config import Settings
from service.notify import delivery, outbox
from service.notify.delivery import MAX_ATTEMPTS, RETRY_AFTER, deliver
from service.notify.messages import KINDS, render, working_days
from service.runtime import Runtime
from service.store import db
from service.store.tables import ApiToken
from service.store.workflow import Employer, Notification
from tests.conftest import TEST_SECRET
from tests.dbutil import scratch_engine
from tests.factories import bin_number, iin_number
from tests.serving import Mailbox, free_port, smtp_server

NOW = datetime(2027, 1, 25, 9, 0, tzinfo=UTC)
LINK = "https://matcher.example.kz/referrals/17"
KK_BIN, RU_BIN, SILENT_BIN = bin_number(901), bin_number(902), bin_number(903)
PARAMS: dict[str, object] = {
    "referral_id": "17",
    "person_ref": "P00042",
    "item_title": "Дәнекерлеуші",
    "answer_due": date(2027, 2, 3),
    "working_days_left": 3,
    "employer_name": "Болат Құрылыс",
    "state_label": "қабылданбады",
    "reason_label": "дағдылар жетіспейді",
    "suggestion": "дәнекерлеу курсын ұсыну",
    "hired_on": date(2027, 2, 1),
    "due_on": date(2027, 5, 2),
    "centre_name": "Шаңырақ",
    "stay_until": date(2027, 3, 1),
    "confirmed_on": date(2026, 11, 1),
    "leaves_on": date(2027, 1, 30),
    "action_label": "жеке куәлік алу",
    "release_date": date(2027, 1, 5),
}


def params_of(kind: str) -> dict[str, object]:
    return {name: PARAMS[name] for name in KINDS[kind]}


def as_utc(moment: datetime | None) -> datetime | None:
    return None if moment is None else outbox.as_utc(moment)


# rendering


@pytest.mark.parametrize("lang", ["kk", "ru"])
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_reads_in_kazakh_and_russian(kind: str, lang: str) -> None:
    subject, body = render(kind, lang, params_of(kind), link=LINK)
    text = f"{subject}\n{body}"
    assert LINK in body.splitlines(), "the link stands on its own line"
    without_values = text.replace(LINK, "").replace("P00042", "")
    assert not re.search(r"[A-Za-z]", without_values), "no English word, no code"
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text)
    for name in KINDS[kind]:
        if isinstance(PARAMS[name], date):
            day = PARAMS[name]
            assert isinstance(day, date)
            assert day.strftime("%d.%m.%Y") in text
    assert ("Сәлеметсіз бе!" in body) == (lang == "kk")
    assert ("Здравствуйте!" in body) == (lang == "ru")


@pytest.mark.parametrize(
    ("n", "ru", "kk", "en"),
    [
        (1, "1 рабочий день", "1 жұмыс күні", "1 working day"),
        (2, "2 рабочих дня", "2 жұмыс күні", "2 working days"),
        (4, "4 рабочих дня", "4 жұмыс күні", "4 working days"),
        (5, "5 рабочих дней", "5 жұмыс күні", "5 working days"),
        (11, "11 рабочих дней", "11 жұмыс күні", "11 working days"),
        (12, "12 рабочих дней", "12 жұмыс күні", "12 working days"),
        (21, "21 рабочий день", "21 жұмыс күні", "21 working days"),
        (22, "22 рабочих дня", "22 жұмыс күні", "22 working days"),
        (0, "0 рабочих дней", "0 жұмыс күні", "0 working days"),
    ],
)
def test_working_days_agree_with_their_number(n: int, ru: str, kk: str, en: str) -> None:
    assert (working_days(n, "ru"), working_days(n, "kk"), working_days(n, "en")) == (ru, kk, en)


def test_a_reminder_counts_the_days_left() -> None:
    _, body = render("referral_reminder", "ru", params_of("referral_reminder"))
    assert "3 рабочих дня" in body
    _, body = render(
        "referral_reminder", "ru", {**params_of("referral_reminder"), "working_days_left": 1}
    )
    assert "1 рабочий день" in body


def test_empty_reason_and_suggestion_leave_their_lines_out() -> None:
    params = {**params_of("referral_answered"), "reason_label": "", "suggestion": ""}
    _, body = render("referral_answered", "ru", params, link=LINK)
    assert "Причина" not in body
    assert "шаг" not in body
    _, body = render("referral_answered", "ru", params_of("referral_answered"), link=LINK)
    assert "Причина: дағдылар жетіспейді." in body


def test_nothing_sensitive_can_ride_along() -> None:
    with pytest.raises(ValueError, match="unexpected"):
        render("released", "ru", {**params_of("released"), "iin": iin_number()})
    with pytest.raises(ValueError, match="unexpected"):
        render("released", "ru", {**params_of("released"), "name": "Асқар Серікұлы"})
    with pytest.raises(ValueError, match="IIN"):
        render("released", "kk", {**params_of("released"), "person_ref": iin_number()})
    named = {**params_of("referral_expired"), "employer_name": f"ЖК {iin_number()}"}
    subject, body = render("referral_expired", "kk", named)
    assert "ЖК ***" in body
    assert not re.search(r"\d{12}", subject + body)
    with pytest.raises(ValueError, match="missing"):
        render("released", "kk", {"person_ref": "P00042"})
    with pytest.raises(TypeError, match="date"):
        render("released", "kk", {"person_ref": "P00042", "release_date": "2027-01-05"})
    with pytest.raises(ValueError, match="kind"):
        render("offence_update", "kk", {})


# the outbox


@pytest.fixture
def world(session: Session) -> dict[str, str]:
    """Three employers (Kazakh, Russian, without e-mail) and three tokens (with e-mail, without,
    revoked), committed for the test's transaction."""
    session.add(Employer(employer_bin=KK_BIN, name="Болат", email="hr@bolat.kz", lang="kk"))
    session.add(Employer(employer_bin=RU_BIN, name="Восток", email="hr@vostok.kz", lang="ru"))
    session.add(Employer(employer_bin=SILENT_BIN, name="Тихий", lang="kk", phone="+77010000000"))
    tokens = {
        "officer": ApiToken(token_hash=uuid.uuid4().hex, role="officer", email="o@gov.kz"),
        "quiet": ApiToken(token_hash=uuid.uuid4().hex, role="officer", lang="kk"),
        "revoked": ApiToken(
            token_hash=uuid.uuid4().hex, role="officer", email="r@gov.kz", revoked_at=NOW
        ),
    }
    session.add_all(tokens.values())
    session.commit()
    found = {name: f"token:{token.id}" for name, token in tokens.items()}
    return {**found, "kk": f"employer:{KK_BIN}", "ru": f"employer:{RU_BIN}",
            "silent": f"employer:{SILENT_BIN}"}  # fmt: skip


def put(session: Session, recipient: str, key: str = "n1", **extra: Any) -> Notification | None:
    kind = extra.pop("kind", "referral_new")
    return outbox.queue(
        session, key=key, kind=kind, recipient=recipient, params=params_of(kind),
        link=LINK, referral_id=17, **{"now": NOW, **extra},
    )  # fmt: skip


def test_a_notification_is_written_once_per_key_in_its_recipients_language(
    session: Session, world: dict[str, str]
) -> None:
    first = put(session, world["kk"])
    assert first is not None
    assert (first.state, first.lang, first.address) == ("queued", "kk", "hr@bolat.kz")
    assert as_utc(first.next_attempt_at) == NOW
    assert first.subject == "Жаңа жолдама № 17: Дәнекерлеуші"
    assert put(session, world["kk"]) is None
    assert put(session, world["ru"]) is None, "the key is unique across recipients"
    count = session.scalar(sa.select(sa.func.count()).select_from(Notification))
    assert count == 1
    russian = put(session, world["ru"], key="n2")
    assert russian is not None
    assert russian.lang == "ru"
    assert russian.subject.startswith("Новое направление № 17")


def test_a_kind_switched_off_is_kept_but_not_sent(session: Session, world: dict[str, str]) -> None:
    outbox.set_enabled(session, world["officer"], "released", False)
    off = put(session, world["officer"], kind="released")
    assert off is not None
    assert (off.state, off.next_attempt_at) == ("off", None)
    other = put(session, world["officer"], key="n2", kind="referral_expired")
    assert other is not None
    assert other.state == "queued", "only the kind switched off"
    outbox.set_enabled(session, world["officer"], "released", True)
    again = put(session, world["officer"], key="n3", kind="released")
    assert again is not None
    assert again.state == "queued"
    assert [n.key for n in outbox.inbox(session, world["officer"], 2)] == ["n3", "n2"]


def test_without_an_address_it_is_read_in_the_application_only(
    session: Session, world: dict[str, str]
) -> None:
    silent = put(session, world["silent"])
    quiet = put(session, world["quiet"], key="n2", kind="released")
    unknown = put(session, f"employer:{bin_number(904)}", key="n3")
    assert silent is not None
    assert quiet is not None
    assert unknown is not None
    assert [n.state for n in (silent, quiet, unknown)] == ["nowhere"] * 3
    assert (silent.lang, quiet.lang, unknown.lang) == ("kk", "kk", "ru")
    assert put(session, world["revoked"], key="n4") is None
    assert outbox.inbox(session, world["revoked"], 10) == []
    with pytest.raises(ValueError, match="recipient"):
        put(session, "person:P00042", key="n5")


# delivery to a real SMTP server


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    with smtp_server() as found:
        yield found


def mail_settings(home: Path, port: int | None) -> Settings:
    return Settings(
        home=home, secret_key=SecretStr(TEST_SECRET), smtp_host="127.0.0.1" if port else None,
        smtp_port=port or 25, smtp_timeout=5, smtp_from="Matcher <noreply@matcher.example.kz>",
    )  # fmt: skip


def reread(session: Session, notification: Notification) -> Notification:
    session.expire_all()
    found = session.get(Notification, notification.id)
    assert found is not None
    return found


def test_delivery_by_e_mail(
    session: Session, world: dict[str, str], connection: sa.Connection,
    mailbox: tuple[Mailbox, int], tmp_path: Path,
) -> None:  # fmt: skip
    box, port = mailbox
    kk = put(session, world["kk"])
    ru = put(session, world["officer"], key="n2", kind="referral_reminder")
    later = put(session, world["ru"], key="n3", now=NOW + timedelta(hours=1))
    assert kk is not None
    assert ru is not None
    assert later is not None
    session.commit()
    rt = Runtime(mail_settings(tmp_path, port), connection, _ready=True)

    report = deliver(rt, now=NOW)
    assert (report.sent, report.retrying, report.failed) == (2, 0, 0)
    assert box.ids() == sorted([kk.id, ru.id])  # type: ignore[type-var]
    by_id = {int(m["X-Matcher-Notification"]): m for m in box.messages}
    kazakh, russian = by_id[kk.id], by_id[ru.id]  # type: ignore[index]
    assert kazakh["Subject"] == "Жаңа жолдама № 17: Дәнекерлеуші"
    assert kazakh["To"] == "hr@bolat.kz"
    assert kazakh["From"] == "Matcher <noreply@matcher.example.kz>"
    assert kazakh["Message-ID"].endswith("@matcher.example.kz>")
    assert kazakh.get_content_type() == "text/plain"
    assert kazakh.get_content_charset() == "utf-8"
    kazakh_body = kazakh.get_content()
    assert "Үміткердің кандидатурасын қарап" in kazakh_body
    assert "03.02.2027" in kazakh_body
    assert LINK in kazakh_body.splitlines()
    russian_body = russian.get_content()
    assert russian["Subject"] == "Напоминание: ждём ответа по направлению № 17"
    assert "До окончания срока ответа: 3 рабочих дня" in russian_body
    for message in box.messages:
        whole = f"{message['Subject']}\n{message.get_content()}"
        assert not re.search(r"\d{12}", whole), "no IIN (nor any 12-digit number)"
        assert "P00042" in whole

    assert reread(session, kk).state == "sent"
    assert as_utc(reread(session, kk).sent_at) == NOW
    assert reread(session, later).state == "queued"
    assert deliver(rt, now=NOW).sent == 0, "nothing is sent twice"
    assert deliver(rt, now=NOW + timedelta(hours=1)).sent == 1


def test_without_a_sender_notifications_wait(
    session: Session, world: dict[str, str], connection: sa.Connection, tmp_path: Path
) -> None:
    queued = put(session, world["kk"])
    assert queued is not None
    session.commit()
    report = deliver(Runtime(mail_settings(tmp_path, None), connection, _ready=True), now=NOW)
    assert (report.sent, report.no_sender) == (0, {"email": 1})
    assert reread(session, queued).state == "queued"


def test_a_failing_server_is_retried_with_backoff_then_given_up(
    session: Session, world: dict[str, str], connection: sa.Connection, tmp_path: Path
) -> None:
    queued = put(session, world["kk"])
    assert queued is not None
    session.commit()
    rt = Runtime(mail_settings(tmp_path, free_port()), connection, _ready=True)
    at = NOW
    for attempt in range(1, MAX_ATTEMPTS):
        assert deliver(rt, now=at).retrying == 1
        row = reread(session, queued)
        assert (row.state, row.attempts) == ("queued", attempt)
        assert row.last_error is not None
        assert "Connection" in row.last_error
        assert as_utc(row.next_attempt_at) == at + RETRY_AFTER[attempt - 1]
        assert deliver(rt, now=at + RETRY_AFTER[attempt - 1] - timedelta(seconds=1)).retrying == 0
        at += RETRY_AFTER[attempt - 1]
    report = deliver(rt, now=at)
    assert (report.failed, report.retrying) == (1, 0)
    row = reread(session, queued)
    assert (row.state, row.attempts, row.next_attempt_at) == ("failed", MAX_ATTEMPTS, None)
    assert deliver(rt, now=at + timedelta(days=1)).failed == 0


class Phone:
    """An SMS plug-in (``MATCHER_SMS_SENDER=tests.service.test_notify:Phone``)."""

    sent: ClassVar[list[tuple[str | None, str]]] = []

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def send(self, notification: Notification) -> None:
        Phone.sent.append((notification.address, notification.subject))


def test_an_sms_sender_plugs_in_by_import_path(
    session: Session, world: dict[str, str], connection: sa.Connection, tmp_path: Path
) -> None:
    text = put(session, world["silent"], channel="sms")
    assert text is not None
    assert (text.state, text.address) == ("queued", "+77010000000")
    session.commit()
    settings = mail_settings(tmp_path, None).model_copy(
        update={"sms_sender": "tests.service.test_notify:Phone"}
    )
    Phone.sent.clear()
    report = deliver(Runtime(settings, connection, _ready=True), now=NOW)
    assert report.sent == 1
    assert Phone.sent == [("+77010000000", "Жаңа жолдама № 17: Дәнекерлеуші")]


# several processes at once, on a database of their own


@pytest.fixture
def live(tmp_path: Path, mailbox: tuple[Mailbox, int]) -> Iterator[tuple[Runtime, Mailbox]]:
    box, port = mailbox
    with scratch_engine(tmp_path) as engine:
        db.upgrade(engine)
        rt = Runtime(mail_settings(tmp_path, port), engine, _ready=True)
        with rt.writing() as session:
            session.add(Employer(employer_bin=KK_BIN, name="Болат", email="hr@bolat.kz", lang="kk"))
            session.commit()
        yield rt, box


def together(*calls: Any) -> list[Any]:
    """Run the calls in threads released at the same moment; their results in order."""
    start = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        start.wait()
        try:
            results[index] = calls[index]()
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return results


def test_racing_writers_of_one_key_write_it_once(live: tuple[Runtime, Mailbox]) -> None:
    rt, _ = live

    def write() -> int | None:
        with rt.writing() as session:
            added = put(session, f"employer:{KK_BIN}", key="same")
            session.commit()
            return None if added is None else added.id

    results = together(write, write)
    assert sum(result is not None for result in results) == 1
    with rt.session() as session:
        assert len(session.exec(select(Notification)).all()) == 1


def test_two_deliveries_at_once_send_each_notification_once(
    live: tuple[Runtime, Mailbox],
) -> None:
    rt, box = live
    with rt.writing() as session:
        for n in range(24):
            put(session, f"employer:{KK_BIN}", key=f"n{n}")
        session.commit()
    reports = together(lambda: deliver(rt, now=NOW), lambda: deliver(rt, now=NOW))
    assert sum(report.sent for report in reports) == 24
    assert box.ids() == sorted(set(box.ids()))
    assert len(box.ids()) == 24
    with rt.session() as session:
        states = session.exec(select(Notification.state).where(col(Notification.state) != "sent"))
        assert states.all() == []
    assert delivery.deliver(rt, now=NOW + timedelta(days=1)).sent == 0
