"""The daily clock's steps on catalogs, persons and plans (``service.usecases.clock`` runs
them): owners told before a capacity goes stale, persons whose release date has passed
released, inspectors told of plan actions falling due."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, timedelta

import sqlalchemy as sa
from sqlmodel import col

from catalogs.i18n import messages
from catalogs.referrals import clocks
from service.notify import outbox
from service.runtime import Runtime
from service.store import changes
from service.store.sealed import open_json
from service.store.tables import ApiToken, Person, PlanVersion, Shelter, Vacancy


def capacity(rt: Runtime, day: date, counts: Counter[str]) -> None:
    """Owners are told ``STALE_NOTICE_DAYS`` before a capacity goes stale: a vacancy's
    employer; for a centre, the officers of its region (centres have no accounts)."""
    notice_from = day - timedelta(days=clocks.STALE_CAPACITY_DAYS - clocks.STALE_NOTICE_DAYS)
    stale_from = day - timedelta(days=clocks.STALE_CAPACITY_DAYS)
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
                    link=rt.settings.link(f"/vacancies/{vacancy_id}"),
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
                        link=rt.settings.link(f"/shelters/{shelter_id}"),
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


AUTHOR = re.compile(r"^(?:officer|inspector|admin):(account:)?(\d+)$")
PLAN_LOOKBACK_DAYS = 14
"""A planned action whose due day passed up to this many days ago (while no clock ran) is
still announced; older ones are on the overdue list of the plan."""


def plan_actions(rt: Runtime, day: date, counts: Counter[str]) -> None:
    """The inspector who keeps a person's plan is told when one of its actions falls due. The
    message names the plan's section, never the action (it may speak of health)."""
    newest = (
        sa.select(col(PlanVersion.person_id), sa.func.max(PlanVersion.version).label("version"))
        .group_by(col(PlanVersion.person_id))
        .subquery()
    )
    query = sa.select(
        col(PlanVersion.person_id), col(PlanVersion.author), col(PlanVersion.body_cipher)
    ).join(
        newest,
        sa.and_(
            col(PlanVersion.person_id) == newest.c.person_id,
            col(PlanVersion.version) == newest.c.version,
        ),
    )
    earliest = day - timedelta(days=PLAN_LOOKBACK_DAYS)
    with rt.writing() as session:
        for person_id, author, sealed in session.execute(query):
            found = AUTHOR.match(author or "")
            if found is None:
                continue
            body = open_json(rt.protector, sealed)
            kind = "account" if found.group(1) else "token"
            recipient = f"{kind}:{found.group(2)}"
            for action in body.get("actions", []):
                due = date.fromisoformat(action["due"])
                if action.get("status") != "planned" or not earliest < due <= day:
                    continue
                part = action["part"]
                code = "plan_part_5" if part == "before_release" else f"plan_section_{part}"
                section = messages("matcher").text(code, outbox.language_of(session, recipient))
                if (
                    outbox.queue(
                        session,
                        key=f"plan_action_due:{person_id}:{action['id']}:{due.isoformat()}",
                        kind="plan_action_due",
                        recipient=recipient,
                        params={"person_ref": person_id, "action_label": section, "due_on": due},
                        link=rt.settings.link(f"/persons/{person_id}/plan"),
                    )
                    is not None
                ):
                    counts["plan_actions_due"] += 1
        session.commit()
