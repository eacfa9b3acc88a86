"""Shortlists: eligibility → features → ranker → top-k → reasons, in both directions.

``Engine`` holds the indexes of vacancies, courses and shelters (``matcher.index``) and one
ranker per kind of list. A query first narrows the items with array arithmetic (occupation
buckets, distance, the rules that columns can express), scores the best few hundred exactly
(every eligibility rule, every feature), and returns the top ``limit`` with their reasons.
The rankers are the baseline until a learned ranker is handed in: same interface.

The modules, in the order a query meets them:

- ``core``: the ``Engine`` (a person's lists, ``why``, a vacancy's candidates);
- ``prefilter``: the array pass that narrows a catalog to the items worth scoring exactly;
- ``scoring``: what the engine needs of a ranker, and how it asks for scores and shares;
- ``ordering``: the scored rows best first, with the congestion discount and its ties;
- ``rows``: the exact pass over the vacancies left: rules and features over columns;
- ``candidates``: the persons who fit a vacancy (the employer's direction);
- ``results``: what a list and ``why`` return, and the reasons of an item.
"""

from __future__ import annotations

from matcher.engine.core import KINDS, PREFILTER, Engine
from matcher.engine.results import Recommendation, Why
from matcher.engine.scoring import RERANK, Ranker

__all__ = ["KINDS", "PREFILTER", "RERANK", "Engine", "Ranker", "Recommendation", "Why"]
