"""Who carries a notification: e-mail over SMTP (``MATCHER_SMTP_*``), and for the ``sms``
channel a sender plugged in by import path (``MATCHER_SMS_SENDER=module:Class``).

A sender's ``send`` returns when the message was handed over and raises when it was not;
``service.notify.delivery`` records either outcome.
"""

from __future__ import annotations

import hashlib
import importlib
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from typing import Protocol, runtime_checkable

from service.config import Settings
from service.store.workflow import Notification


@runtime_checkable
class Sender(Protocol):
    """Hands one notification over, or raises."""

    def send(self, notification: Notification) -> None: ...


class SmtpSender:
    """Plain-text UTF-8 e-mail through one SMTP server, a connection per message."""

    def __init__(
        self,
        *,
        host: str,
        port: int = 25,
        user: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        sender: str = "matcher@localhost",
        timeout: float = 30.0,
    ) -> None:
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.starttls = starttls
        self.sender = sender
        self.timeout = timeout

    @classmethod
    def from_settings(cls, settings: Settings) -> SmtpSender | None:
        """The sender the settings describe; None when no SMTP host is set."""
        if not settings.smtp_host:
            return None
        password = settings.smtp_password
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            user=settings.smtp_user,
            password=password.get_secret_value() if password is not None else None,
            starttls=settings.smtp_starttls,
            sender=settings.smtp_from,
            timeout=settings.smtp_timeout,
        )

    def message(self, notification: Notification) -> EmailMessage:
        """The e-mail of ``notification``. Its Message-ID is the same on every attempt, so a
        mail client shows a message delivered twice (after a lost answer) once."""
        if notification.address is None or notification.id is None:
            raise ValueError("a notification without an address or an id cannot be e-mailed")
        domain = parseaddr(self.sender)[1].rpartition("@")[2] or "localhost"
        tag = hashlib.sha256(notification.key.encode()).hexdigest()[:12]
        message = EmailMessage()
        message["Subject"] = notification.subject
        message["From"] = self.sender
        message["To"] = notification.address
        message["Date"] = formatdate(usegmt=True)
        message["Message-ID"] = f"<notification.{notification.id}.{tag}@{domain}>"
        message["X-Matcher-Notification"] = str(notification.id)
        message.set_content(notification.body, charset="utf-8", cte="quoted-printable")
        return message

    def send(self, notification: Notification) -> None:
        if notification.channel != "email":
            raise ValueError(f"SMTP carries e-mail, not {notification.channel}")
        message = self.message(notification)
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.user:
                smtp.login(self.user, self.password or "")
            smtp.send_message(message)


def load_sender(path: str, settings: Settings) -> Sender:
    """The sender made by ``module:Class`` (called with the settings)."""
    module_name, _, name = path.partition(":")
    if not module_name or not name:
        raise ValueError(f"a sender is named module:Class, not {path!r}")
    factory = getattr(importlib.import_module(module_name), name)
    sender = factory(settings)
    if not isinstance(sender, Sender):
        raise TypeError(f"{path} has no send(notification) method")
    return sender


def from_settings(settings: Settings) -> dict[str, Sender]:
    """The senders configured, by channel (none: nothing is sent)."""
    senders: dict[str, Sender] = {}
    smtp = SmtpSender.from_settings(settings)
    if smtp is not None:
        senders["email"] = smtp
    if settings.sms_sender:
        senders["sms"] = load_sender(settings.sms_sender, settings)
    return senders
