"""How a ranking of codes becomes the reader's answer (``reader.model`` ranks them).

1. The best code has its calibrated confidence. The codes after it share half of what it
   leaves (``OTHERS_SHARE``; the rest is "none of these"), in proportion to
   ``exp(score / SPREAD)`` (none more than the best code), ranked with a bonus for sharing the
   best code's ISCO minor or sub-major group (``reader.kinship``); a neighbour of the best code
   in ISCO is listed even when no row of it is near the text.
2. An exact match of the normalised text wins over the ranking (``exact_``, made by
   ``reader.training.exact_lookups``): a curated title, synonym, English title or activity is
   certain (1.0); an official title is at most 0.97, shared equally when it sits under several
   codes (such titles are ambiguous in use: «каменщик-монтажник» under 7112 and 7119 is read as
   neither), and never surer than the ranking reads it (a bare «контролер» heads official
   titles of many unit groups).
3. A generic title («специалист») is never more than ``GENERIC_CONFIDENCE``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from matcher.reader.kinship import kin, kinship

SPREAD = 0.05
GENERIC_CONFIDENCE = 0.2
OTHERS_SHARE = 0.5
"""The share of what the best code leaves that the codes after it are given: the rest is for
"none of these" (the reader has not seen every occupation the text might be)."""


@dataclass(frozen=True, slots=True)
class Ranked:
    """One code for a text: its score and confidence, the row that matched it best, and
    the best row of it that comes from NKZ (with its NKZ code), when one is near."""

    code: str
    score: float
    confidence: float
    label: str
    nkz: str | None


class Fitted(Protocol):
    """What an answer reads of the fitted reader (``reader.model.ReaderModel``)."""

    codes_: list[str]
    row_label_: list[str]
    row_nkz_: list[str | None]
    exact_: dict[str, tuple[tuple[str, ...], float]]
    generic_: frozenset[str]
    kin_: dict[str, list[str]]
    kin_rows_: dict[str, tuple[int, float, int]]


def answer(
    model: Fitted, form: str, ranked: list[tuple[int, float, int]], p_best: float, limit: int
) -> list[Ranked]:
    """Up to ``limit`` codes for ``form``, best first, from its ranking (code index, score,
    best row) and the calibrated confidence of the best code."""
    nkz_of = _nkz_rows(model, ranked)
    exact = model.exact_.get(form)
    out: list[Ranked] = []
    if exact is not None:
        codes, each = exact
        if each < 1.0:  # an official or shared title is as sure as the model reads it
            each = min(each, p_best)
        best_row = {model.codes_[c]: row for c, _, row in ranked}
        for code in codes:
            row = best_row.get(code)
            label = model.row_label_[row] if row is not None else form
            out.append(Ranked(code, 1.0, each, label, nkz_of.get(code)))
        rest = 1.0 - each * len(codes)
        others = [r for r in ranked if model.codes_[r[0]] not in codes]
    else:
        if not ranked:
            return []
        c, score, row = ranked[0]
        out.append(
            Ranked(
                model.codes_[c], score, p_best, model.row_label_[row], nkz_of.get(model.codes_[c])
            )
        )
        rest = 1.0 - p_best
        others = ranked[1:]
    top = out[0].code
    listed = {model.codes_[c] for c, _, _ in others} | {a.code for a in out}
    for code in kin(top, model.kin_, model.kin_rows_):  # even when no row of theirs is near
        if code not in listed:
            others.append(model.kin_rows_[code])
    if others and len(out) < limit:
        near = [s + kinship(top, model.codes_[c]) for c, s, _ in others]
        order = sorted(range(len(others)), key=lambda i: -near[i])
        others = [others[i] for i in order]
        adjusted = np.array([near[i] for i in order])
        weights = np.exp((adjusted - adjusted[0]) / SPREAD)
        # what the best code leaves, shared by nearness; never more than the best's own
        shares = np.minimum(OTHERS_SHARE * rest * weights / weights.sum(), out[-1].confidence)
        for (c, score, row), share in zip(others, shares, strict=False):
            if len(out) >= limit:
                break
            code = model.codes_[c]
            out.append(Ranked(code, score, float(share), model.row_label_[row], nkz_of.get(code)))
    if form in model.generic_ or all(w in model.generic_ for w in form.split()):
        out = [
            Ranked(a.code, a.score, min(a.confidence, GENERIC_CONFIDENCE), a.label, a.nkz)
            for a in out
        ]
    out = out[:limit]
    out.sort(key=lambda a: -a.confidence)
    return out


def _nkz_rows(model: Fitted, ranked: list[tuple[int, float, int]]) -> dict[str, str]:
    """The NKZ occupation of each code's best-matching NKZ row among the neighbours."""
    found: dict[str, str] = {}
    for c, _, row in ranked:
        nkz = model.row_nkz_[row]
        if nkz is not None:
            found.setdefault(model.codes_[c], nkz)
    return found
