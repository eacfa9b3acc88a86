"""The hand-graded occupation relevance set is well-formed, and its metrics compute right.

The matcher's quality on the set is measured by ``python -m bench.text_relevance``, not here.
"""

from __future__ import annotations

import math
from collections import Counter

import pytest

from bench.text_relevance import (
    GRADES,
    KINDS,
    LANGS,
    RELEVANCE_FILE,
    dcg,
    load_set,
    ndcg_at_k,
    parse_relevant,
    recall_exact,
    reciprocal_rank,
)
from catalogs.reference.occupations import occupations

QUERIES = load_set()


def test_the_set_is_big_enough() -> None:
    assert RELEVANCE_FILE.is_file()
    assert len(QUERIES) >= 220


def test_no_duplicate_or_blank_queries() -> None:
    texts = [q.text for q in QUERIES]
    assert all(t.strip() == t and t for t in texts)
    repeated = [t for t, n in Counter(texts).items() if n > 1]
    assert repeated == []


def test_every_code_exists_and_grades_are_1_to_3() -> None:
    registry = occupations()
    for query in QUERIES:
        assert query.relevant, query.text
        for code, grade in query.relevant.items():
            assert code in registry, (query.text, code)
            assert grade in GRADES, (query.text, code, grade)


def test_every_query_has_an_exact_occupation() -> None:
    missing = [q.text for q in QUERIES if 3 not in q.relevant.values()]
    assert missing == []


def test_languages_and_kinds_are_known() -> None:
    assert {q.lang for q in QUERIES} <= set(LANGS)
    assert {q.kind for q in QUERIES} <= set(KINDS)


def test_enough_kazakh_and_typos_and_not_mostly_verbatim() -> None:
    langs = Counter(q.lang for q in QUERIES)
    kinds = Counter(q.kind for q in QUERIES)
    assert langs["kk"] >= 60
    assert kinds["typo"] >= 50
    assert kinds["exact"] <= len(QUERIES) / 3


def test_parse_relevant() -> None:
    assert parse_relevant("7212:3;7214:1") == {"7212": 3, "7214": 1}
    assert parse_relevant(" 7212:3 ; ") == {"7212": 3}
    with pytest.raises(ValueError, match="twice"):
        parse_relevant("7212:3;7212:1")
    with pytest.raises(ValueError, match="grade"):
        parse_relevant("7212")


def test_ndcg_of_a_perfect_ranking_is_one() -> None:
    relevant = {"A": 3, "B": 2, "C": 1}
    assert ndcg_at_k(["A", "B", "C"], relevant) == pytest.approx(1.0)
    assert ndcg_at_k(["A", "B", "C", "X", "Y"], relevant) == pytest.approx(1.0)
    # equal grades may come in any order
    assert ndcg_at_k(["B", "A"], {"A": 3, "B": 3}) == pytest.approx(1.0)


def test_ndcg_hand_computed_example() -> None:
    # ranking A, B, C with A grade 1, C grade 3, B not relevant:
    # DCG  = (2^1-1)/log2(2) + 0 + (2^3-1)/log2(4) = 1 + 3.5 = 4.5
    # IDCG = 7/log2(2) + 1/log2(3) = 7.6309...
    relevant = {"A": 1, "C": 3}
    assert dcg([1.0, 0.0, 7.0]) == pytest.approx(4.5)
    expected = 4.5 / (7 + 1 / math.log2(3))
    assert expected == pytest.approx(0.58970, abs=1e-5)
    assert ndcg_at_k(["A", "B", "C"], relevant) == pytest.approx(expected)


def test_ndcg_edge_cases() -> None:
    assert ndcg_at_k([], {"A": 3}) == 0.0
    assert ndcg_at_k(["X", "Y"], {"A": 3}) == 0.0
    # only the top k count, and a repeated code gains nothing the second time
    assert ndcg_at_k(["X", "A"], {"A": 3}, k=1) == 0.0
    assert ndcg_at_k(["A", "A"], {"A": 3, "B": 3}) == pytest.approx(1 / (1 + 1 / math.log2(3)))


def test_reciprocal_rank_and_recall() -> None:
    relevant = {"A": 3, "B": 2, "C": 3}
    assert reciprocal_rank(["B", "X", "A"], relevant) == pytest.approx(1 / 3)
    assert reciprocal_rank(["B", "X"], relevant) == 0.0
    assert recall_exact(["B", "A"], relevant) == pytest.approx(0.5)
    assert recall_exact(["C", "A"], relevant) == pytest.approx(1.0)
