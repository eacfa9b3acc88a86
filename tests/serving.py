"""Real servers for tests that cross a network: the app under uvicorn in a thread, on a free
loopback port, and an SMTP server that keeps what it receives."""

from __future__ import annotations

import email
import email.policy
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from typing import Any

import uvicorn
from aiosmtpd.controller import Controller

from service.api.app import create_app
from service.runtime import Runtime


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def served(rt: Runtime, *, log_level: str = "warning") -> Iterator[int]:
    """The app over ``rt`` served by uvicorn until the block ends; yields its port. The engine
    is built first (on a cold cache the title reader's fit alone takes longer than a client
    waits), as a real server's first request would build it."""
    rt.serving.engine(rt)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(rt), host="127.0.0.1", port=port, log_level=log_level)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    assert server.started, "the test server did not start"
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(10)


class Mailbox:
    """What the test SMTP server received."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        with self.lock:
            self.messages.append(message)
        return "250 OK"

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    def ids(self) -> list[int]:
        return sorted(int(m["X-Matcher-Notification"]) for m in self.messages)


@contextmanager
def smtp_server() -> Iterator[tuple[Mailbox, int]]:
    """A real local SMTP server (aiosmtpd) until the block ends: its mailbox and port."""
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield box, controller.port
    finally:
        controller.stop()
