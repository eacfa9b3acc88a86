"""Membership tests against the reference data, loaded only when first asked."""

from __future__ import annotations


def is_occupation(code: str) -> bool:
    """True for an occupation code the shipped ISCO-08 table knows."""
    from catalogs.reference.occupations import occupations

    return code in occupations()
