"""The catalogs' indexes kept on disk between processes, so that a command does not rebuild them.

Building the indexes of a national catalog (every vacancy, course and shelter, job titles read
into occupations) is most of what a one-person command such as ``matcher recommend`` costs. A
process that builds them keeps them in ``<home>/engine.snapshot``; the next one loads them
when, and only when, they were built from what the database holds now. The file's key names
everything the indexes are made of:

- the database (its URL without password) and the day (quota windows are read as of it);
- the ``catalogs`` and ``persons`` counters (``service.store.changes``), and for each catalog
  table its row count and latest ``updated_at``, so that a database made again at the same
  place (a new demo, a restored backup) never matches an older file;
- the places held and taken by referrals (a quota slot or a seat less, a bed more occupied);
- the code and data the indexes are built by (``matcher/``, ``catalogs/``, this package and
  the rows glue, the Python and library versions): any change builds them again.

What depends on outcomes is not kept: the congestion discount and the active model with its
track records are read and applied by every process, as a fresh build does, so that a new
outcome, a promotion or a rollback needs no rebuild and is never served stale.

The file holds catalog data only, never a person: persons are read by each command. It is
written like the other files of the home (mode 0600, a temporary name moved into place) and is
signed with a key derived from the service's secret key; a file that is broken, foreign
(another key, another format) or built from other data is ignored and replaced. Loading a
pickle can run code, so nothing is unpickled before its signature is checked. Such a file, or
a home that cannot be written, is logged at level INFO: it costs one build, and a command
prints nothing about it.
"""

from __future__ import annotations

import copyreg
import functools
import hashlib
import hmac
import io
import json
import logging
import os
import pickle
import platform
import tempfile
import time
from collections.abc import Callable
from dataclasses import fields
from datetime import date
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col

import catalogs
import matcher
from matcher import (
    Congestion,
    Course,
    Engine,
    OccupationMatcher,
    Shelter,
    Vacancy,
    occupation_matcher,
)
from service.serving import remembered
from service.serving.remembered import Remembering
from service.store import changes
from service.store import rows as glue
from service.store import tables as models

log = logging.getLogger("matcher.serving")

FILE = "engine.snapshot"
MAGIC = b"matcher engine snapshot 1\n"
LIBRARIES = (
    "numpy",
    "scipy",
    "scikit-learn",
    "joblib",
    "pymorphy3",
    "pymorphy3-dicts-ru",
    "rapidfuzz",
    "sqlalchemy",
)
"""What the indexes and the title reader that read their job titles are computed with."""


@functools.cache
def code_fingerprint() -> str:
    """A digest of every file of ``matcher/`` and ``catalogs/`` (code and shipped data, not
    their messages), of the glue that turns rows into records and of this package, with the
    Python and library versions: what the indexes are built by."""
    digest = hashlib.sha256()
    roots = [Path(matcher.__file__).parent, Path(catalogs.__file__).parent]
    base = roots[0].parent
    skipped = {"__pycache__", "locales"}  # messages are not part of an index
    files = [p for root in roots for p in root.rglob("*") if not skipped & set(p.parts)]
    files += [Path(glue.__file__), Path(models.__file__), *Path(__file__).parent.glob("*.py")]
    for path in sorted(p for p in files if p.is_file()):
        digest.update(f"{os.path.relpath(path, base)}\0".encode())
        digest.update(path.read_bytes())
    digest.update(platform.python_version().encode())
    for library in LIBRARIES:
        try:
            digest.update(f"{library} {version(library)}".encode())
        except PackageNotFoundError:
            digest.update(f"{library} -".encode())
    return digest.hexdigest()


def key(session: Session, *, today: date, database: str) -> dict[str, object]:
    """What indexes built now from ``session`` are made of (see the module's text). Read
    before building: a change committed meanwhile then makes a key that no later process
    asks for (a wasted file), never a stale one."""
    counters = changes.current(session, baseline="-")
    tables: dict[str, list[object]] = {}
    for table in (models.Vacancy, models.Course, models.Shelter):
        count, latest = session.execute(
            sa.select(sa.func.count(), sa.func.max(col(table.updated_at)))
        ).one()
        tables[table.__tablename__] = [int(count), None if latest is None else str(latest)]
    used = sorted([*item, *places] for item, places in glue.places_used(session).items())
    return {
        "database": database,
        "day": today.isoformat(),
        "catalogs": counters.catalogs,
        "persons": counters.persons,
        "tables": tables,
        "places": hashlib.sha256(json.dumps(used).encode()).hexdigest(),
        "code": code_fingerprint(),
    }


def signing_key(secret: bytes) -> bytes:
    return hashlib.sha256(b"matcher engine snapshot\0" + secret).digest()


def load(path: Path, wanted: dict[str, object], *, secret: bytes) -> Engine | None:
    """The indexes kept in ``path`` under ``wanted`` (in an engine that reads no job title,
    ``_catalogs``); None when there are none, or when the
    file is broken, foreign or of other data (it is then logged and left to be replaced)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        log.info("engine snapshot %s not read: %s", path, error)
        return None
    try:
        if not data.startswith(MAGIC):
            raise ValueError("not an engine snapshot")
        signature, _, body = data[len(MAGIC) :].partition(b"\n")
        expected = hmac.new(signing_key(secret), body, hashlib.sha256).hexdigest().encode()
        if not hmac.compare_digest(signature, expected):
            raise ValueError("signed with another key, or altered")
        header, _, payload = body.partition(b"\n")
        if json.loads(header) != wanted:
            return None  # built from other data: rebuilt, not an error
        found = pickle.loads(payload)
        if not isinstance(found, Engine):
            raise ValueError("not the indexes of an engine")
        return found
    except Exception as error:  # a broken or foreign file is ignored, never trusted
        log.info("engine snapshot %s ignored: %s", path, error)
        return None


def save(path: Path, wanted: dict[str, object], built: Engine, *, secret: bytes) -> None:
    """Keep the indexes of ``built`` in ``path`` under ``wanted``: mode 0600, moved into place
    whole. A
    home that cannot be written is not an error (the next process builds again)."""
    body = json.dumps(wanted).encode() + b"\n" + _pickled(built)
    signature = hmac.new(signing_key(secret), body, hashlib.sha256).hexdigest().encode()
    name = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=".engine-")  # mode 0600
        with os.fdopen(handle, "wb") as out:
            out.write(MAGIC + signature + b"\n" + body)
        os.replace(name, path)
    except OSError as error:
        log.info("engine snapshot not kept in %s: %s", path, error)
        if name is not None:
            Path(name).unlink(missing_ok=True)


def _pickled(built: Engine) -> bytes:
    """The pickle of the indexes of ``built`` (not its matcher, rankers or congestion), each
    vacancy, course and shelter kept as its fields' values (made again by its class when
    loaded: half the time of a frozen dataclass's own state)."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = copyreg.dispatch_table | {
        Engine: _by_indexes,
        **dict.fromkeys((Vacancy, Course, Shelter), _by_fields),
    }
    pickler.dump(built)
    return buffer.getvalue()


def _by_fields(item: Vacancy | Course | Shelter) -> tuple[type, tuple[object, ...]]:
    return type(item), tuple(getattr(item, field.name) for field in fields(item))


def _by_indexes(built: Engine) -> tuple[Callable[..., Engine], tuple[object, ...]]:
    return _catalogs, (built.vacancies, built.courses, built.shelters, built.today)


def _catalogs(vacancies: Any, courses: Any, shelters: Any, today: date) -> Engine:
    """An engine over kept indexes that reads no job title (its matcher knows none): what
    ``assemble`` makes a served engine from."""
    return Engine(
        vacancies=vacancies,
        courses=courses,
        shelters=shelters,
        today=today,
        matcher=OccupationMatcher(()),
    )


def build(session: Session, *, today: date, readings: Path | None) -> Engine:
    """An engine over every vacancy, course and shelter of the database, built now (the
    baseline's, without congestion: ``assemble`` adds what each process reads)."""
    return glue.load_engine(
        session, today=today, congestion=False, learned=False, readings=readings
    )


def assemble(
    session: Session, kept: Engine, *, today: date, matcher: OccupationMatcher | None = None
) -> Engine:
    """An engine over the indexes of ``kept`` as ``rows.load_engine`` makes one: the
    congestion of recent referrals and the active model with its track records, read now."""
    engine = Engine(
        vacancies=kept.vacancies,
        courses=kept.courses,
        shelters=kept.shelters,
        today=today,
        matcher=matcher or occupation_matcher(),
        congestion=Congestion(glue.recent_referrals(session, today=today)),
    )
    return glue.with_active_model(session, engine)


def engine(
    session: Session,
    *,
    today: date,
    home: Path,
    database: str,
    secret: bytes,
    readings: Path | None = None,
) -> Engine:
    """The engine as of ``today``: its indexes from ``<home>/engine.snapshot`` when that was
    built from the data ``session`` reads now, else built and kept there."""
    path = home / FILE
    wanted = key(session, today=today, database=database)
    started = time.perf_counter()
    kept = load(path, wanted, secret=secret)
    if kept is not None:
        log.info("engine indexes loaded from %s in %.2f s", path, time.perf_counter() - started)
    else:
        kept = build(session, today=today, readings=readings)
        save(path, wanted, kept, secret=secret)
    answered = Remembering(home / remembered.FILE, code_fingerprint())
    return assemble(session, kept, today=today, matcher=answered)
