"""Registering, reading and replacing a person's record (validated exactly as an import)."""

from __future__ import annotations

from collections.abc import Mapping

from service.runtime import Runtime
from service.store import audit
from service.store import persons as store
from service.store.tables import Person
from service.usecases import access
from service.usecases.actor import Actor
from service.usecases.errors import Conflict, Forbidden, Invalid, NotFound


def _save(rt: Runtime, actor: Actor, data: Mapping[str, object], *, must_exist: bool) -> Person:
    access.staff_only(actor)
    person_id = str(data["person_id"])
    with rt.writing() as session:
        if must_exist:
            access.person(session, actor, person_id)
        try:
            row = store.save_person(
                session,
                data=dict(data),
                protector=rt.protector,
                must_exist=must_exist,
                region_scope=actor.region_kato,
            )
        except store.Unusable as refusal:
            # another region's person holds this id or IIN: say only that it cannot be used
            # here, and record the attempt against that person
            session.rollback()
            action = f"{refusal.kind}_probe"
            audit.record(session, actor=actor, person_ids=[refusal.owner], action=action)
            session.commit()
            raise Invalid(f"{refusal.kind}_unusable") from None
        except store.Conflict:
            raise Conflict("person_exists", id=person_id) from None
        except LookupError:
            raise NotFound("unknown_person", id=person_id) from None
        except store.OutOfRegion:
            raise Forbidden("out_of_region") from None
        except store.Invalid as error:
            raise Invalid("invalid_person", bad_rows=error.errors) from None
        audit.record(
            session,
            actor=actor,
            person_ids=[person_id],
            action="update" if must_exist else "create",
        )
        session.commit()
        session.refresh(row)
        return row


def create(rt: Runtime, actor: Actor, data: Mapping[str, object]) -> Person:
    """A new person: 409 when the id is taken in the actor's scope; 403 when the record would
    lie outside the actor's region; 422 when its id or IIN belongs to a person the actor may
    not see (``id_unusable``, ``iin_unusable``: nothing more is said; the attempt is audited)."""
    return _save(rt, actor, data, must_exist=False)


def replace(rt: Runtime, actor: Actor, person_id: str, data: Mapping[str, object]) -> Person:
    """Replace a person's record (fields left out take their defaults). The record's
    ``person_id``, when given, must be ``person_id``; a person outside the actor's region is
    answered as an unknown one (404)."""
    if data.get("person_id") not in (None, person_id):
        raise Invalid("id_mismatch")
    return _save(rt, actor, {**data, "person_id": person_id}, must_exist=True)


def read(rt: Runtime, actor: Actor, person_id: str, *, reveal_iin: bool = False) -> Person:
    """A person's record; reading the full IIN is recorded as such. A person outside the
    actor's region is answered as an unknown one (404)."""
    with rt.session() as session:
        row = access.person(session, actor, person_id)
    with rt.writing() as session:
        action = "reveal_iin" if reveal_iin else "read"
        audit.record(session, actor=actor, person_ids=[person_id], action=action)
        session.commit()
    return row
