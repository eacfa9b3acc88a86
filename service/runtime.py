"""What a command needs to run: settings, a database (created or upgraded on first use) and
the protector of sensitive fields. Tests hand in a Runtime bound to their own connection."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session

from service.config import Settings
from service.store import db
from service.store.protect import Protector


@dataclass
class Runtime:
    settings: Settings
    bind: Engine | sa.Connection
    _protector: Protector | None = field(default=None, repr=False)
    _ready: bool = field(default=False, repr=False)

    @classmethod
    def from_settings(cls, settings: Settings) -> Runtime:
        return cls(settings, db.make_engine(settings.url))

    @property
    def protector(self) -> Protector:
        if self._protector is None:
            self._protector = Protector(self.settings.secret())
        return self._protector

    @property
    def where(self) -> str:
        """The database in force, with any password hidden."""
        return make_url(self.settings.url).render_as_string(hide_password=True)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session on an up-to-date schema."""
        if not self._ready:
            db.upgrade(self.bind)
            self._ready = True
        with db.session_scope(self.bind) as session:
            yield session
