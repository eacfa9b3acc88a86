"""Membership tests against the reference data, loaded only when first asked."""

from __future__ import annotations


def is_kato(code: str) -> bool:
    from catalogs.reference.places import places

    return code in places()


def is_occupation(code: str) -> bool:
    from catalogs.reference.occupations import occupations

    return code in occupations()
