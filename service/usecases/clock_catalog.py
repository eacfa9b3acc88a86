"""The daily clock's steps on catalogs and persons (``service.usecases.clock`` runs them):
owners told before a capacity goes stale, persons whose release date has passed released."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import sqlalchemy as sa
from sqlmodel import col

from catalogs.referrals import clocks
from service.notify import outbox
from service.runtime import Runtime
from service.store import changes
from service.store.tables import ApiToken, Person, Shelter, Vacancy


def capacity(rt: Runtime, day: date, counts: Counter[str]) -> None:
    """Owners are told ``STALE_NOTICE_DAYS`` before a capacity goes stale: a vacancy's
    employer; for a centre, the officers of its region (centres have no accounts)."""
    notice_from = day - timedelta(days=clocks.STALE_CAPACITY_DAYS - clocks.STALE_NOTICE_DAYS)
    stale_from = day - timedelta(days=clocks.STALE_CAPACITY_DAYS)
    base = rt.settings.public_url
    with rt.writing() as session:
        vacancies = session.execute(
            sa.select(
                col(Vacancy.vacancy_id),
                col(Vacancy.title),
                col(Vacancy.employer_bin),
                col(Vacancy.capacity_confirmed_on),
            ).where(
                col(Vacancy.status) == "open",
                col(Vacancy.capacity_confirmed_on) <= notice_from,
                col(Vacancy.capacity_confirmed_on) > stale_from,
            )
        ).all()
        for vacancy_id, title, employer_bin, confirmed in vacancies:
            leaves = confirmed + timedelta(days=clocks.STALE_CAPACITY_DAYS)
            if (
                outbox.queue(
                    session,
                    key=f"capacity_stale_notice:vacancy:{vacancy_id}:{confirmed.isoformat()}",
                    kind="capacity_stale_notice",
                    recipient=f"employer:{employer_bin}",
                    params={"item_title": title, "confirmed_on": confirmed, "leaves_on": leaves},
                    link=f"{base.rstrip('/')}/vacancies/{vacancy_id}",
                )
                is not None
            ):
                counts["capacity_notices"] += 1
        shelters = session.execute(
            sa.select(
                col(Shelter.shelter_id),
                col(Shelter.name),
                col(Shelter.region_kato),
                col(Shelter.capacity_confirmed_on),
            ).where(
                col(Shelter.capacity_confirmed_on) <= notice_from,
                col(Shelter.capacity_confirmed_on) > stale_from,
            )
        ).all()
        officers = session.execute(
            sa.select(col(ApiToken.id), col(ApiToken.region_kato)).where(
                col(ApiToken.role) == "officer", col(ApiToken.revoked_at).is_(None)
            )
        ).all()
        for shelter_id, name, region, confirmed in shelters:
            leaves = confirmed + timedelta(days=clocks.STALE_CAPACITY_DAYS)
            for token_id, token_region in officers:
                if token_region is not None and token_region[:2] != region[:2]:
                    continue
                if (
                    outbox.queue(
                        session,
                        key=f"capacity_stale_notice:shelter:{shelter_id}:{confirmed.isoformat()}:{token_id}",
                        kind="capacity_stale_notice",
                        recipient=f"token:{token_id}",
                        params={"item_title": name, "confirmed_on": confirmed, "leaves_on": leaves},
                        link=f"{base.rstrip('/')}/shelters/{shelter_id}",
                    )
                    is not None
                ):
                    counts["capacity_notices"] += 1
        session.commit()


def released(rt: Runtime, day: date, counts: Counter[str]) -> None:
    """A person ``in_custody`` whose release date has passed is released from that day."""
    with rt.writing() as session:
        updated = session.execute(
            sa.update(Person)
            .where(col(Person.status) == "in_custody", col(Person.release_date) <= day)
            .values(status="released", probation_kind="post_penitentiary", updated_at=sa.func.now())
            .execution_options(synchronize_session=False)
        )
        count = int(updated.rowcount or 0)  # type: ignore[attr-defined]
        if count:
            changes.bump(session, "persons")
        session.commit()
    counts["released"] += count
