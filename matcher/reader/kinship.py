"""Which codes a reading's next codes are: the best code's ISCO-08 neighbours.

A welder's next codes are the other metal trades, not any title that shares letters with
«сварщик»: codes of the best code's minor group (3 digits) are ranked ``KIN_MINOR`` nearer, of
its sub-major group (2 digits) ``KIN_SUB_MAJOR`` nearer, and a short table of *counterparts*
(``COUNTERPARTS``: a skilled trade and the elementary occupation that helps in it, as ISCO-08
major group 9 mirrors groups 6-8, or the same work at another skill level) counts as the same
minor group.
"""

from __future__ import annotations

from collections.abc import Container, Mapping

KIN_MINOR = 0.4
KIN_SUB_MAJOR = 0.2

_COUNTERPART_PAIRS = (
    # a skilled trade and the elementary occupation that helps in it (ISCO-08 major group 9
    # mirrors groups 6-8), or the same work at another skill level
    ("6111", "9211"), ("6112", "9211"), ("6113", "9214"), ("6114", "9211"), ("6121", "9212"),
    ("6122", "9212"), ("6130", "9213"), ("6210", "9215"), ("6221", "9216"), ("6222", "9216"),
    ("8111", "9311"), ("7111", "9313"), ("7112", "9313"), ("7114", "9313"), ("7119", "9313"),
    ("8182", "9312"), ("5120", "3434"), ("5120", "9411"), ("5120", "9412"), ("3434", "9412"),
    ("7531", "8153"), ("7533", "8153"), ("7532", "8153"), ("9333", "4321"), ("9333", "8344"),
    ("7115", "7522"), ("7231", "7233"), ("7213", "7231"), ("7132", "7231"), ("5153", "9112"),
    ("5153", "9613"), ("9112", "9613"), ("9313", "9622"), ("9329", "9622"), ("9321", "9333"),
    ("7212", "7214"), ("7411", "7412"), ("7512", "9412"), ("8332", "8322"), ("5223", "5211"),
    ("5223", "5230"), ("2411", "3313"), ("3412", "5322"),
)  # fmt: skip
COUNTERPARTS: dict[str, tuple[str, ...]] = {}
"""Unit group → the unit groups in other minor groups that do the same work at another skill
level: the reader ranks them as it ranks its minor group (a shepherd's next codes are livestock
labourers, a cook's are chefs and kitchen helpers)."""
for _a, _b in _COUNTERPART_PAIRS:
    COUNTERPARTS[_a] = (*COUNTERPARTS.get(_a, ()), _b)
    COUNTERPARTS[_b] = (*COUNTERPARTS.get(_b, ()), _a)


def kinship(best: str, other: str) -> float:
    """How much nearer ``other`` is ranked for sharing ISCO groups with the best code: the
    same minor group (3 digits) +``KIN_MINOR``, the same sub-major group (2 digits)
    +``KIN_SUB_MAJOR``. A welder's next codes are the other metal trades, not any title that
    shares letters with «сварщик»."""
    if best[:3] == other[:3] or other in COUNTERPARTS.get(best, ()):
        return KIN_MINOR
    if best[:2] == other[:2]:
        return KIN_SUB_MAJOR
    return 0.0


def kin(code: str, groups: Mapping[str, list[str]], known: Container[str]) -> list[str]:
    """The codes of ``code``'s minor group, then its counterparts (those ``known``), then the
    codes of its sub-major group; ``groups`` maps a minor (3 digits) or sub-major (2 digits)
    group to its codes."""
    counterparts = [c for c in COUNTERPARTS.get(code, ()) if c in known]
    return groups.get(code[:3], []) + counterparts + groups.get(code[:2], [])
