"""The facts of the plan's parts 1–4 (art. 16(5)) and of the post-penitentiary programme, from
the person's record."""

from __future__ import annotations

from matcher.plan.body import Parts, PostPenitentiary
from matcher.profile import Person


def parts(person: Person, inside: bool) -> Parts:
    """The facts of parts 1–4 of art. 16(5); parts 5 and 6 are the actions."""
    return {
        "pretrial_report": {"applies": person.probation_kind == "pretrial"},
        "institution": {"institution": person.institution, "inside": inside},
        "civil_claims": {"amount_kzt": person.civil_claim_kzt, "paid": person.civil_claim_kzt == 0},
        "profile": {
            "family_ties": person.family_ties,
            "has_disability": person.has_disability,
            "education": person.education,
            "professions": list(person.professions),
            "experience_years": person.experience_years,
            "skills": list(person.skills),
            "languages": list(person.languages),
            "needs_legal_aid": person.need_legal_aid,
            "needs": [
                name.removeprefix("need_")
                for name in (
                    "need_housing",
                    "need_documents",
                    "need_medical_commission",
                    "need_psychological",
                    "need_addiction_treatment",
                    "need_legal_aid",
                )
                if getattr(person, name)
            ],
        },
    }


def post_penitentiary(person: Person) -> PostPenitentiary:
    """The factors the post-penitentiary programme weighs (DOMAIN.md)."""
    return {
        "institution": person.institution,
        "ties": person.family_ties,
        "can_find_work_alone": bool(person.professions) and not person.need_medical_commission,
        "can_find_housing_alone": not person.need_housing,
        "labour_skills": list(person.professions),
        "civil_claim_paid": person.civil_claim_kzt == 0,
        "special_social_services": person.has_disability or person.need_addiction_treatment,
    }
