"""The writing half of an import: valid records become table rows, upserted a batch at a time
(``service.store.imports`` streams the file and decides when to commit). A vacancies batch
adds stub employers for unknown BINs; outcome events are checked against their pair's history
at the end; references to unknown persons or items, and IINs already held by another person,
are reported as row errors. ``ImportReport`` is what an import did, filled as it goes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal, cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel, col

from catalogs.loader import RowError, Valid
from catalogs.outcomes.lifecycle import CHECKED
from catalogs.schema import Record, Schema
from service.store import impressions as outcomes
from service.store.protect import Protector
from service.store.sealed import SUPPORT_FIELDS, seal_support
from service.store.tables import Course, OutcomeEvent, Person, Shelter, Vacancy, utcnow
from service.store.workflow import Employer

TABLES: dict[str, type[SQLModel]] = {
    "employers": Employer,
    "vacancies": Vacancy,
    "courses": Course,
    "shelters": Shelter,
    "persons": Person,
    "outcomes": OutcomeEvent,
}
CONFIRMS_CAPACITY = frozenset({"vacancies", "shelters"})
"""Kinds whose rows, once imported, count as confirmed still open on the import's day."""
ITEM_TABLES: dict[str, tuple[type[SQLModel], str]] = {
    "vacancy": (Vacancy, "vacancy_id"),
    "course": (Course, "course_id"),
    "shelter": (Shelter, "shelter_id"),
}


@dataclass
class ImportReport:
    """What an import did, or why it did nothing."""

    kind: str
    rows: int = 0
    dry_run: bool = False
    """Checked only: the rows were validated and written, then rolled back."""
    inserted: int = 0
    updated: int = 0
    stubs: int = 0
    """Employers a vacancies import had to create as stubs (BINs without a record)."""
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self, lang: str = "ru") -> dict[str, object]:
        return {
            "kind": self.kind,
            "ok": self.ok,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "inserted": self.inserted if self.ok else 0,
            "updated": self.updated if self.ok else 0,
            "errors": [error.as_dict(lang) for error in self.errors],
        }


class RowWriter:
    """Turns valid records into table rows and upserts them a batch at a time."""

    def __init__(
        self,
        session: Session,
        schema: Schema,
        protector: Protector,
        source: str = "import",
        *,
        today: date,
        author: str | None = None,
        region_scope: str | None = None,
    ) -> None:
        self.session = session
        self.author = author
        self.region = None if region_scope is None else region_scope[:2] + "0000000"
        self.schema = schema
        self.protector = protector
        self.source = source
        self.today = today
        self.table: sa.Table = TABLES[schema.kind].__table__  # type: ignore[attr-defined]
        self.iins: dict[str, int] = {}
        self.checked: dict[tuple[Any, ...], tuple[int, Literal["line", "record"]]] = {}
        """Outcomes whose history is checked at the end: key -> (line, unit) in the file."""

    def write(self, batch: list[Valid], report: ImportReport) -> None:
        problems = self._references(batch)
        if problems:
            report.errors.extend(problems)
            return
        rows = [self._row(valid.record) for valid in batch]
        if self.schema.kind == "outcomes":
            self._remember(batch)
            self._ranks(rows)
            # the same event twice is one event (the last reason and contract length win);
            # one INSERT ... ON CONFLICT must not touch a row twice
            keys = self._key_columns()
            rows = list({tuple(row[k] for k in keys): row for row in rows}.values())
        if self.schema.kind == "persons":
            problems = self._iin_conflicts(batch, rows)
            if problems:
                report.errors.extend(problems)
                return
        existing = self._existing(rows)
        report.updated += existing
        report.inserted += len(rows) - existing
        self._upsert(rows)
        if self.schema.kind == "vacancies":
            report.stubs += self._stubs(rows)

    def _row(self, record: Record) -> dict[str, Any]:
        row = dict(record)
        if row.get("kato"):
            row["region_kato"] = row["kato"][:2] + "0000000"
        elif "kato" in row:
            row["region_kato"] = None
        if self.schema.kind == "persons":
            iin = row.pop("iin")
            row["iin_hash"] = None if iin is None else self.protector.lookup_hash(iin)
            row["iin_cipher"] = self.protector.encrypt(iin)
            row["full_name_cipher"] = self.protector.encrypt(row.pop("full_name"))
            row["offence_cipher"] = self.protector.encrypt(row.pop("offence_category"))
            support = {name: row.pop(name, None) for name in SUPPORT_FIELDS}
            row["support_cipher"] = seal_support(self.protector, support)
        if self.schema.kind == "employers":
            row["is_stub"] = False
        if self.schema.kind in CONFIRMS_CAPACITY:
            row["capacity_confirmed_on"] = self.today
        if self.schema.kind == "outcomes":
            row["source"] = self.source
            row["created_by"] = self.author
        else:
            row["updated_at"] = utcnow()
        return row

    def _stubs(self, rows: list[dict[str, Any]]) -> int:
        """A stub in ``employers`` for each BIN of ``rows`` that has no row there yet (named
        as the first of its vacancies names it, else by its BIN; placed where that vacancy
        is). Returns how many were made."""
        first: dict[str, dict[str, Any]] = {}
        for row in rows:
            first.setdefault(row["employer_bin"], row)
        table: sa.Table = Employer.__table__  # type: ignore[attr-defined]
        known = set(
            self.session.scalars(
                sa.select(table.c.employer_bin).where(table.c.employer_bin.in_(first))
            )
        )
        stubs = [
            {
                "employer_bin": number,
                "name": row["employer_name"] or number,
                "oked": row["employer_oked"],
                "kato": row["kato"],
                "region_kato": row["region_kato"],
                "lat": row["lat"],
                "lon": row["lon"],
                "lang": "ru",
                "is_stub": True,
            }
            for number, row in first.items()
            if number not in known
        ]
        if stubs:
            dialect = self.session.get_bind().dialect.name
            insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
            statement = insert(table).on_conflict_do_nothing(index_elements=["employer_bin"])
            self.session.execute(statement, stubs)
        return len(stubs)

    def _remember(self, batch: list[Valid]) -> None:
        for valid in batch:
            record = valid.record
            if record["event"] in CHECKED:
                key = tuple(record[k] for k in self.schema.key)
                self.checked.setdefault(key, (valid.line, valid.unit))

    def _ranks(self, rows: list[dict[str, Any]]) -> None:
        """Referrals take rank, score and ranker version from the list they were shown in."""
        referrals = [row for row in rows if row["event"] == "referred"]
        found = outcomes.referral_ranks(
            self.session,
            (((r["person_id"], r["item_kind"], r["item_id"]), r["date"]) for r in referrals),
        )
        for row in rows:
            shown = found.get(((row["person_id"], row["item_kind"], row["item_id"]), row["date"]))
            row["rank"], row["score"], row["model_version"] = shown or (None, None, None)

    def finish(self, report: ImportReport) -> None:
        """Checks of the whole file, once every row is written (still uncommitted)."""
        if self.schema.kind != "outcomes" or not self.checked:
            return
        for violation in outcomes.lifecycle_problems(self.session, self.checked):
            line, unit = cast(tuple[int, Literal["line", "record"]], violation.ref)
            report.errors.append(RowError(line, "event", violation.code, violation.params, unit))
        report.errors.sort(key=lambda error: error.line)

    def _key_columns(self) -> list[str]:
        return list(self.schema.key)

    def _existing(self, rows: list[dict[str, Any]]) -> int:
        keys = self._key_columns()
        first = keys[0]
        wanted = {tuple(row[k] for k in keys) for row in rows}
        query = sa.select(*(self.table.c[k] for k in keys)).where(
            self.table.c[first].in_({row[first] for row in rows})
        )
        found = {tuple(r) for r in self.session.execute(query)}
        return len(wanted & found)

    def _upsert(self, rows: list[dict[str, Any]]) -> None:
        dialect = self.session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = insert(self.table)
        keys = self._key_columns()
        fixed = {*keys, "id", "created_at"}
        kept = {"rank", "score", "model_version"}  # a re-import does not forget a referral's rank
        statement = statement.on_conflict_do_update(
            index_elements=keys,
            set_={
                c: sa.func.coalesce(statement.excluded[c], self.table.c[c])
                if c in kept
                else statement.excluded[c]
                for c in rows[0]
                if c not in fixed
            },
        )
        self.session.execute(statement, rows)

    def _references(self, batch: list[Valid]) -> list[RowError]:
        """Outcomes must name a person and an item that exist."""
        if self.schema.kind != "outcomes":
            return []
        persons = {v.record["person_id"] for v in batch}
        query = sa.select(col(Person.person_id)).where(col(Person.person_id).in_(persons))
        if self.region is not None:  # another region's person is answered as unknown
            query = query.where(col(Person.region_kato) == self.region)
        known_persons = set(self.session.scalars(query))
        known_items: dict[str, set[str]] = {}
        for kind, (table, column) in ITEM_TABLES.items():
            ids = {v.record["item_id"] for v in batch if v.record["item_kind"] == kind}
            if ids:
                id_column = getattr(table, column)
                items = sa.select(id_column).where(id_column.in_(ids))
                if self.region is not None:
                    region = table.__table__.c["region_kato"]  # type: ignore[attr-defined]
                    items = items.where(sa.or_(region.is_(None), region == self.region))
                known_items[kind] = set(self.session.scalars(items))
        problems = []
        for valid in batch:
            record = valid.record
            if record["person_id"] not in known_persons:
                problems.append(
                    RowError(
                        valid.line,
                        "person_id",
                        "unknown_person",
                        {"value": record["person_id"]},
                        valid.unit,
                    )
                )
            if record["item_id"] not in known_items.get(record["item_kind"], set()):
                problems.append(
                    RowError(
                        valid.line,
                        "item_id",
                        "unknown_item",
                        {"value": record["item_id"], "kind": record["item_kind"]},
                        valid.unit,
                    )
                )
        return problems

    def _iin_conflicts(self, batch: list[Valid], rows: list[dict[str, Any]]) -> list[RowError]:
        """One IIN, one person: in the file and against the database."""
        problems = []
        hashes = {row["iin_hash"]: row["person_id"] for row in rows if row["iin_hash"]}
        query = sa.select(col(Person.iin_hash), col(Person.person_id)).where(
            col(Person.iin_hash).in_(hashes)
        )
        owners = dict(self.session.execute(query).all())
        for valid, row in zip(batch, rows, strict=True):
            digest = row["iin_hash"]
            if digest is None:
                continue
            first = self.iins.setdefault(digest, valid.line)
            if first != valid.line:
                problems.append(
                    RowError(valid.line, "iin", "duplicate_iin", {"first": first}, valid.unit)
                )
            elif owners.get(digest, row["person_id"]) != row["person_id"]:
                problems.append(
                    RowError(valid.line, "iin", "iin_taken", {"other": owners[digest]}, valid.unit)
                )
        return problems
