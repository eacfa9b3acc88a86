"""What an officer acts on, for each item of a person's shortlist: what it is, who offers it,
where, the money, the schedule, the dates, the free places and whom to contact.

One source of these facts for the API's list items, ``matcher recommend`` and the person page.
The engine's items give most of them; the catalog rows give what the engine does not read (an
employer's phone, a centre's operator, address and phone, a course's address on the web), read
once per engine; the places referrals hold now give the free places.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from weakref import WeakKeyDictionary

import sqlalchemy as sa
from sqlmodel import col

from catalogs.i18n import messages
from catalogs.reference.places import places
from matcher import Course, Engine, Recommendation, Shelter, Vacancy, quota_window_end
from matcher.rank import shown
from service.runtime import Runtime
from service.store import referrals
from service.store.tables import Course as CourseRow
from service.store.tables import Shelter as ShelterRow
from service.store.workflow import Employer
from service.usecases.shortlists import Shortlist, places_for


@dataclass(frozen=True)
class Facts:
    """One list item's facts. Words (``place``, ``schedule``) are in the language asked for;
    amounts and days are values; ``None`` where the catalog does not say."""

    kind: str
    id: str
    title: str
    by: str | None = None
    """The employer, the course's provider or the centre's operator."""
    place: str | None = None
    """The settlement (with its district when it is not a town); none for an online course."""
    address: str | None = None
    salary_kzt: int | None = None
    cost_kzt: int | None = None
    """A course's cost; 0 is free of charge."""
    schedule: str | None = None
    starts_on: date | None = None
    window_from: date | None = None
    window_to: date | None = None
    """A quota vacancy's offer window: the employer offers its quota places from and until."""
    free_places: int | None = None
    """Places free now (places that referrals hold are taken off); none when there is no limit
    (an ordinary vacancy until someone is hired, a course without a seat limit)."""
    slots: int | None = None
    """How many places the item stands for: its free places, or for an ordinary vacancy one
    per vacancy (of the same job collapsed into it)."""
    contact: str | None = None
    """The employer's or the centre's phone, or an online course's address on the web."""
    also_ids: tuple[str, ...] = ()
    """The same job at the same employer under other vacancy ids (``id`` is the best-ranked)."""
    chance_percent: int | None = None
    """The score as the expected chance of success in per cent (a learned ranker's only)."""

    @property
    def ids(self) -> tuple[str, ...]:
        return (self.id, *self.also_ids)

    def as_dict(self) -> dict[str, object]:
        """The facts as the API and ``matcher recommend --json`` give them (days ISO)."""
        return {
            "title": self.title,
            "by": self.by,
            "place": self.place,
            "address": self.address,
            "salary_kzt": self.salary_kzt,
            "cost_kzt": self.cost_kzt,
            "schedule": self.schedule,
            "starts_on": _iso(self.starts_on),
            "window_from": _iso(self.window_from),
            "window_to": _iso(self.window_to),
            "free_places": self.free_places,
            "slots": self.slots,
            "contact": self.contact,
            "also_ids": list(self.also_ids),
            "chance_percent": self.chance_percent,
        }

    def rows(self, lang: str) -> list[tuple[str, str]]:
        """The facts as a person reads them, (label, value), in ``lang``: the person page's
        card and ``matcher recommend`` show these."""
        t = messages("service.web")

        def text(code: str, **params: object) -> str:
            return t.text(code, lang, **params)

        kind = self.kind
        rows: list[tuple[str, str]] = []
        if self.by:
            rows.append((text(f"offer_by_{kind}"), self.by))
        where = self.place or (self.schedule if kind == "course" else None) or "—"
        rows.append((text("offer_place"), where))
        if self.address:
            rows.append((text("offer_address"), self.address))
        if kind == "vacancy":
            salary = money(self.salary_kzt) if self.salary_kzt else text("vacancy_salary_unknown")
            rows.append((text("offer_money_vacancy"), salary))
        elif kind == "course" and self.cost_kzt is not None:
            cost = text("free_of_charge") if self.cost_kzt == 0 else money(self.cost_kzt)
            rows.append((text("offer_money_course"), cost))
        if self.schedule:
            rows.append((text("offer_schedule"), self.schedule))
        for code, day in (
            ("offer_course_starts", self.starts_on),
            ("offer_window_from", self.window_from),
            ("offer_window_to", self.window_to),
        ):
            if day is not None:
                rows.append((text(code), day.strftime("%d.%m.%Y")))
        if kind == "shelter":
            rows.append((text("offer_free_beds"), str(self.free_places or 0)))
        elif self.free_places is not None:
            rows.append((text("offer_free"), str(self.free_places)))
        else:
            rows.append((text("offer_free"), text("places_no_limit")))
        if self.also_ids:
            ids = ", ".join(self.ids)
            rows.append((text("offer_same_job"), text("offer_same_job_n", ids=ids, n=self.slots)))
        if self.contact:
            rows.append((text("offer_contact"), self.contact))
        return rows


def money(value: int) -> str:
    """360 000 ₸."""
    return f"{value:,}".replace(",", " ") + " ₸"


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def place_name(kato: str | None, lang: str) -> str:
    """A settlement in ``lang``, with its district when it is not a town; a district or a
    town by its name."""
    if not kato:
        return ""
    found = places().get(kato)
    if found is None:
        return kato
    district = places().get(found.district) if found.district else None
    if district is not None and not found.is_town:
        return f"{found.name(lang)}, {district.name(lang)}"
    return found.name(lang)


@dataclass(frozen=True)
class _Contact:
    by: str | None = None
    address: str | None = None
    contact: str | None = None


def facts(rt: Runtime, found: Shortlist, lang: str) -> list[Facts]:
    """The facts of each item of ``found``, in its order."""
    engine, kind = found.engine, found.kind
    overlay = places_for(rt, engine)
    shown_items = [engine.item(kind, rec.id) for rec in found.items]
    contacts = _contacts(rt, engine)
    chance = shown.is_chance(engine.rankers[kind])
    listed: list[Facts] = []
    for rec, item in zip(found.items, shown_items, strict=True):
        also = found.also.get(rec.id, ())
        free = [_free(overlay, kind, engine.item(kind, i)) for i in (rec.id, *also)]
        total = None if any(f is None for f in free) else sum(f or 0 for f in free)
        if kind == "vacancy":
            slots: int | None = sum(1 if f is None else f for f in free)
        else:
            slots = total
        listed.append(
            _facts(
                item,
                lang,
                contacts.of(item),
                free_places=total,
                slots=slots,
                also_ids=also,
                chance_percent=_percent(rec) if chance else None,
            )
        )
    return listed


def item_dict(rec: Recommendation, item: Facts, lang: str) -> dict[str, object]:
    """One list item as the API and ``matcher recommend --json`` give it: the engine's id,
    kind, score and reasons (CONTRACT.md), then its facts."""
    return rec.as_dict(lang) | item.as_dict()


def _percent(rec: Recommendation) -> int:
    return round(100 * rec.score)


def _free(overlay: referrals.Overlay, kind: str, item: Vacancy | Course | Shelter) -> int | None:
    """The item's free places as referrals hold them now, else as the catalog says."""
    standing = overlay.standing_of(kind, item_id(item))
    if standing is not None:
        return standing.places.free
    if isinstance(item, Vacancy):
        return item.quota_slots if item.is_quota else None
    if isinstance(item, Course):
        return item.seats
    return item.free_beds


def item_id(item: Vacancy | Course | Shelter) -> str:
    if isinstance(item, Vacancy):
        return item.vacancy_id
    return item.course_id if isinstance(item, Course) else item.shelter_id


def _facts(
    item: Vacancy | Course | Shelter,
    lang: str,
    contact: _Contact,
    *,
    free_places: int | None,
    slots: int | None,
    also_ids: tuple[str, ...],
    chance_percent: int | None,
) -> Facts:
    t = messages("service.web")
    if isinstance(item, Vacancy):
        last = quota_window_end(item)
        window = item.is_quota and item.quota_from is not None and last is not None
        return Facts(
            "vacancy", item.vacancy_id, item.title,
            by=item.employer_name or contact.by,
            place=place_name(item.kato, lang) or None,
            salary_kzt=item.salary_kzt,
            schedule=t.text(f"schedule_{item.employment_type}", lang),
            window_from=item.quota_from if window else None,
            window_to=last if window else None,
            free_places=free_places, slots=slots, contact=contact.contact,
            also_ids=also_ids, chance_percent=chance_percent,
        )  # fmt: skip
    if isinstance(item, Course):
        hours = t.text("offer_hours", lang, hours=item.hours) if item.hours else ""
        schedule = ", ".join(x for x in (t.text(f"format_{item.format}", lang), hours) if x)
        return Facts(
            "course", item.course_id, item.title,
            by=item.provider, place=place_name(item.kato, lang) or None,
            cost_kzt=item.cost_kzt, schedule=schedule, starts_on=item.starts_on,
            free_places=free_places, slots=slots, contact=contact.contact,
            also_ids=also_ids, chance_percent=chance_percent,
        )  # fmt: skip
    return Facts(
        "shelter", item.shelter_id, item.name,
        by=contact.by, place=place_name(item.kato, lang) or None, address=contact.address,
        schedule=t.text("offer_stay", lang, days=item.max_stay_days),
        free_places=free_places, slots=slots, contact=contact.contact,
        also_ids=also_ids, chance_percent=chance_percent,
    )  # fmt: skip


@dataclass(frozen=True)
class _Contacts:
    """What the catalog rows say beyond the engine's items: employers by BIN, courses and
    centres by id."""

    employers: dict[str, _Contact]
    courses: dict[str, _Contact]
    shelters: dict[str, _Contact]

    def of(self, item: Vacancy | Course | Shelter) -> _Contact:
        if isinstance(item, Vacancy):
            return self.employers.get(item.employer_bin, _NONE)
        if isinstance(item, Course):
            return self.courses.get(item.course_id, _NONE)
        return self.shelters.get(item.shelter_id, _NONE)


_NONE = _Contact()
_KNOWN: WeakKeyDictionary[Engine, _Contacts] = WeakKeyDictionary()
"""The contacts read for each engine in use. Only a catalog import changes them, and an import
makes the next list use a new engine (``service.store.changes``): read once per engine, not on
every list."""


def _contacts(rt: Runtime, engine: Engine) -> _Contacts:
    known = _KNOWN.get(engine)
    if known is None:
        known = _KNOWN[engine] = _read_contacts(rt)
    return known


def _read_contacts(rt: Runtime) -> _Contacts:
    employers = sa.select(col(Employer.employer_bin), col(Employer.name), col(Employer.phone))
    courses = sa.select(col(CourseRow.course_id), col(CourseRow.url))
    centres = sa.select(
        col(ShelterRow.shelter_id), col(ShelterRow.operator), col(ShelterRow.address),
        col(ShelterRow.phone),
    )  # fmt: skip
    with rt.session() as session:
        return _Contacts(
            employers={
                b: _Contact(name, None, phone) for b, name, phone in session.execute(employers)
            },
            courses={i: _Contact(contact=url) for i, url in session.execute(courses) if url},
            shelters={
                i: _Contact(operator, address, phone)
                for i, operator, address, phone in session.execute(centres)
            },
        )
