"""Membership tests against the reference data, loaded only when first asked."""

from __future__ import annotations


def is_occupation(code: str) -> bool:
    """True for an occupation code the shipped ISCO-08 table knows."""
    from catalogs.reference.occupations import occupations

    return code in occupations()


def is_nkz_occupation(code: str) -> bool:
    """True for an occupation code of Kazakhstan's classifier (NKZ) the shipped table knows."""
    from catalogs.reference.classifiers import nkz_occupations

    return code in nkz_occupations()


def isco_of_nkz(code: str) -> str | None:
    """The ISCO-08 unit group of an NKZ occupation (None when it has none)."""
    from catalogs.reference.classifiers import nkz_occupations

    found: str | None = nkz_occupations().isco_of(code)
    return found
