"""The learned part of the title reader: nearest titles over character and word n-grams, with
a calibrated confidence.

``ReaderModel.fit(vocabulary)``:

1. every entry is normalised (``reader.normalise``: noise, grades and seniority out, lemmas,
   Kazakh endings, Kazakh letters folded); equal forms of one code become one *row*;
2. each row is a TF-IDF vector of character 3-5-grams within words (typos, unknown endings,
   compounds: «электрогазосварщик» shares most of its n-grams with «газосварщик») joined with
   word unigrams and bigrams (the trade word wherever it stands: «менеджер по продажам
   автомобилей»), L2-normalised; n-grams in more than ``MAX_DF`` of the rows are left out
   (they tell nothing and would make every product slow);
3. a text is read by its cosine similarity to every row; a code's score is the similarity of
   its best row, and codes are ranked by it; when the text begins with a *role* (``ROLE_ROWS``:
   «повар», «водитель», «инженер»), a code none of whose rows begins with it keeps
   ``ROLE_KEPT`` of its score; when no word of the text names a manager (``MANAGING``), a
   code of ISCO-08 major group 1 keeps ``MANAGER_KEPT`` of its score;
4. the *confidence* of the best code is a logistic (Platt) calibration of four figures of
   the ranking — the best score, its margin over the next code, their product and the share
   of the ten nearest rows that belong to the best code — fitted on held-out entries: one
   entry in ten (chosen by a hash of its text, so the same ones every time) is left out of a
   first index, read as written and with one made-up noise (a typo, a seniority word, an
   employer, a Kazakh ending), and the calibration learns how often the best code was theirs;
5. the codes after the best one, an exact match of the normalised text (``exact_``) and a
   generic title make the answer (``reader.answers``).

Fitting is deterministic: the same vocabulary and code give the same model.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from rapidfuzz import fuzz, process

from matcher.reader.answers import Ranked, answer
from matcher.reader.ngrams import CHAR_BUCKETS, ngram_counts
from matcher.reader.normalise import Normaliser, loose
from matcher.reader.pickling import SmallPartsPickled
from matcher.reader.training import (
    TRUSTED,
    exact_lookups,
    held_out,
    held_out_queries,
    platt_weights,
)
from matcher.reader.vocabulary import Vocabulary

_KAZAKH = re.compile(r"[әғқңөұүһі]", re.IGNORECASE)
MAX_DF = 0.04
WORD_WEIGHT = 0.6
NEIGHBOURS = 60
SUPPORT_ROWS = 10
AGREEMENT = 0.3
"""A code's score is its best row's similarity plus this share of its second best row's."""
FUZZY_MIN = 75
FUZZY_WEIGHT = 0.9
ROLE_ROWS = 5
"""A word is a *role* when at least this many Russian rows begin with it and it is a Russian
noun: «повар», «водитель», «учитель» (not a generic title such as «специалист», not an
adjective; Kazakh and English titles name the role last)."""
KINDS_OF_WORK = frozenset({"инженер", "техник", "мастер"})
"""Generic titles that still name a kind of work, and so are roles: a bare «инженер» is not
recognised, but «инженер информационных технологий» is an engineer, not an ICT director."""
ROLE_KEPT = 0.5
"""The share of its score a code keeps when the form begins with a role and no row of the
code begins with it: «повар мясного цеха в ресторан» is a cook before it is a restaurant's
manager, «учитель английского» a teacher before he is anything English."""
MANAGING = (
    "начальник", "директор", "заведовать", "заведующ", "руководител", "заместител", "управлять",
    "управляющ", "управленец", "председател", "президент", "министр", "менеджер", "глава",
    "командир", "командующ", "мэр", "аким", "губернатор", "ректор", "проректор", "декан",
    "владелец", "собственник", "администратор", "супервайзер", "шеф", "генеральн", "вице",
    "депутат", "сенатор", "посол", "комиссар", "бастыг", "бастык", "менгеруш", "басшы",
    "орынбасар", "торага", "баскарушы", "manager", "head", "director", "chief", "officer",
    "ceo", "coo", "cto", "cfo", "owner", "founder", "executive", "president", "supervisor",
    "leader", "commander", "ambassador",
)  # fmt: skip
"""Beginnings of the words that name a manager (folded: «бастығы» is «бастыг»). ISCO-08
major group 1 is the managers, who plan, direct and coordinate; the official classifiers also
put there titles that name no one who manages («мастер участка», «производитель работ»,
«агроном», «специалист» of a ministry), and a field shared with them draws job-board titles
there: «Инженер по установке ...», «Специалист по установке оборудования ...»."""
MANAGER_KEPT = 0.5
"""The share of its score a code of major group 1 keeps when no word of the form names a
manager (``MANAGING``)."""


def managing(form: str) -> bool:
    """Whether a word of the normalised form names a manager."""
    return any(word.startswith(MANAGING) for word in form.split())


class ReaderModel(SmallPartsPickled):
    """The fitted reader: rows, their vectors, exact look-ups and the calibration."""

    SMALL_PARTS = (
        "codes_", "row_label_", "row_nkz_", "exact_", "generic_", "fuzzy_forms_",
        "calibration_", "lemmas_", "kin_", "kin_rows_", "roles_", "managers_",
    )  # fmt: skip

    def __init__(self) -> None:
        self.codes_: list[str] = []
        self.row_code_: npt.NDArray[np.int32] = np.empty(0, dtype=np.int32)
        self.roles_: dict[str, frozenset[int]] = {}
        """The roles (``ROLE_ROWS``), each with the codes that have a row beginning with it."""
        self.managers_: frozenset[int] = frozenset()
        """The codes of ISCO-08 major group 1 (``MANAGER_KEPT``)."""
        self.row_label_: list[str] = []
        self.row_nkz_: list[str | None] = []
        self.exact_: dict[str, tuple[tuple[str, ...], float]] = {}
        self.generic_: frozenset[str] = frozenset()
        self.buckets_: npt.NDArray[np.int32] = np.empty(0, dtype=np.int32)
        """The hashed n-grams the rows have and that weigh something, sorted: the columns of
        ``matrix_`` (all 2**20 + 2**18 buckets would cost 10 MB of empty places)."""
        self.idf_: npt.NDArray[np.float32] = np.empty(0, dtype=np.float32)
        """The weight of each of ``buckets_``."""
        self.common_: npt.NDArray[np.int32] = np.empty(0, dtype=np.int32)
        """The n-grams in more than ``MAX_DF`` of the rows: they weigh nothing."""
        self.unseen_ = 0.0
        """The weight of an n-gram no row has (in a text's norm only)."""
        self.matrix_: sp.csr_matrix | None = None
        """The rows' vectors, transposed (n-grams × rows): a text's row times it gives its
        similarity to every row."""
        self.rows_: npt.NDArray[np.int32] = np.empty(0, dtype=np.int32)
        """The row each line of ``matrix_`` is (all rows once fitted)."""
        self.fuzzy_forms_: list[str] = []
        self.fuzzy_rows_: npt.NDArray[np.int32] = np.empty(0, dtype=np.int32)
        self.calibration_: npt.NDArray[np.float64] | None = None
        """Platt weights: the intercept, then one weight per figure (None: no calibration)."""
        self.calibration_accuracy_: float = 0.0
        self.lemmas_: dict[str, str] = {}
        self.kin_: dict[str, list[str]] = {}
        """ISCO minor (3 digits) and sub-major (2 digits) group → its codes."""
        self.kin_rows_: dict[str, tuple[int, float, int]] = {}
        """Code → (code index, 0, its first row): a neighbour with no row near the text."""

    # --- fitting ------------------------------------------------------------------------

    def fit(self, vocabulary: Vocabulary, normaliser: Normaliser) -> ReaderModel:
        read = {text: normaliser.read(text) for text in {e.text for e in vocabulary.entries}}
        forms = {text: loose(words) for text, (words, _) in read.items()}
        full = {text: loose(lemmas) for text, (_, lemmas) in read.items()}
        reduced = {text for text, (words, lemmas) in read.items() if words != lemmas}
        plain_forms = {forms[text] for text in forms if text not in reduced}
        self.generic_ = frozenset(loose(normaliser.words(text)) for text in vocabulary.generic)
        self.exact_ = exact_lookups(vocabulary, forms, full, reduced)
        rows: dict[tuple[str, str], tuple[str, str | None, bool]] = {}
        begun: dict[str, set[tuple[str, str]]] = {}  # first word → the rows that begin with it
        for e in vocabulary.entries:
            form = forms[e.text]
            if not form or (e.text in reduced and form in plain_forms):
                continue  # «младший бухгалтер» does not make «бухгалтер» an assistant's title
            if e.lang == "ru" and not _KAZAKH.search(e.text):  # a role is the last word of a
                # Kazakh or English title: «орман жұмысшысы», «car driver»
                begun.setdefault(form.split()[0], set()).add((e.code, form))
            label, nkz, trusted = rows.get((e.code, form), (e.text, None, False))
            rows[(e.code, form)] = (label, nkz or e.nkz, trusted or e.source in TRUSTED)
        keys = sorted(rows)
        self.codes_ = sorted({code for code, _ in keys})
        index = {code: i for i, code in enumerate(self.codes_)}
        self.managers_ = frozenset(i for i, code in enumerate(self.codes_) if code[0] == "1")
        self.row_code_ = np.array([index[code] for code, _ in keys], dtype=np.int32)
        self.row_label_ = [rows[k][0] for k in keys]
        self.row_nkz_ = [rows[k][1] for k in keys]
        self.kin_ = {}
        self.kin_rows_ = {}
        for row, (code, _) in enumerate(keys):
            if code not in self.kin_rows_:
                self.kin_rows_[code] = (index[code], 0.0, row)
                self.kin_.setdefault(code[:3], []).append(code)
                self.kin_.setdefault(code[:2], []).append(code)
        texts = [form for _, form in keys]
        generic = {w for text in self.generic_ for w in text.split()} - KINDS_OF_WORK
        self.roles_ = {
            w: frozenset(index[code] for code, _ in begun_rows)
            for w, begun_rows in begun.items()
            if len(begun_rows) >= ROLE_ROWS and w not in generic and normaliser.russian_noun(w)
        }
        counts = ngram_counts(texts)
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        n = len(texts)
        idf = np.log((1 + n) / (1 + df)) + 1.0
        if n >= 10 / MAX_DF:  # a tiny vocabulary keeps every n-gram
            idf[df > MAX_DF * n] = 0.0
        idf[CHAR_BUCKETS:] *= WORD_WEIGHT
        self.buckets_ = np.flatnonzero((df > 0) & (idf > 0)).astype(np.int32)
        self.idf_ = idf[self.buckets_].astype(np.float32)
        self.common_ = np.flatnonzero(idf == 0).astype(np.int32)
        self.unseen_ = float(np.float32(np.log(1 + n) + 1.0))
        words = {w for text in vocabulary.entries for w in normaliser.clean(text.text).split()}
        self.lemmas_ = normaliser.lemmas(sorted(words))
        matrix = self._vectors(texts)
        from_trusted: npt.NDArray[np.bool_] = np.array([rows[k][2] for k in keys], dtype=bool)
        held: npt.NDArray[np.bool_] = np.array([held_out(t) for t in texts], dtype=bool)
        if held.all() or not held.any():
            held[:] = False
        self._use(matrix, texts, ~held, from_trusted)
        self._calibrate(vocabulary, normaliser, {texts[i] for i in np.flatnonzero(held)}, forms)
        self._use(matrix, texts, np.ones(len(texts), dtype=bool), from_trusted)
        return self

    def _use(
        self,
        matrix: sp.csr_matrix,
        texts: list[str],
        keep: npt.NDArray[np.bool_],
        trusted: npt.NDArray[np.bool_],
    ) -> None:
        """Read against the rows in ``keep`` (the fuzzy part: the trusted ones among them)."""
        self.rows_ = np.flatnonzero(keep).astype(np.int32)
        self.matrix_ = matrix[self.rows_].T.tocsr()
        self.fuzzy_rows_ = np.flatnonzero(keep & trusted).astype(np.int32)
        self.fuzzy_forms_ = [texts[i] for i in self.fuzzy_rows_]

    def _calibrate(
        self,
        vocabulary: Vocabulary,
        normaliser: Normaliser,
        held_forms: set[str],
        forms: dict[str, str],
    ) -> None:
        """Platt calibration on held-out entries read against an index without them."""
        queries, truth = held_out_queries(vocabulary, normaliser, held_forms, forms)
        features: list[list[float]] = []
        right: list[int] = []
        for codes, (ranked, figures) in zip(truth, self._rank(queries), strict=True):
            if ranked:
                features.append(figures)
                right.append(int(self.codes_[ranked[0][0]] in codes))
        self.calibration_ = platt_weights(features, right)
        self.calibration_accuracy_ = float(np.mean(right)) if right else 0.0

    # --- reading ------------------------------------------------------------------------

    def _vectors(self, texts: Sequence[str]) -> sp.csr_matrix:
        """TF-IDF vectors (sublinear counts times the weights) over ``buckets_``,
        L2-normalised as if over every bucket: an n-gram no row has still weighs in the norm
        (``unseen_``), so that a text mostly unknown is far from every row."""
        counts = ngram_counts(texts)
        grams = counts.indices
        at = np.minimum(np.searchsorted(self.buckets_, grams), max(len(self.buckets_) - 1, 0))
        known = self.buckets_[at] == grams if len(self.buckets_) else np.zeros(len(grams), bool)
        common = np.isin(grams, self.common_, assume_unique=False)
        unseen = np.where(grams >= CHAR_BUCKETS, self.unseen_ * WORD_WEIGHT, self.unseen_)
        weight = np.where(known, self.idf_[at] if len(self.idf_) else 0.0, unseen)
        weight[common] = 0.0
        data = ((1.0 + np.log(counts.data)) * weight).astype(np.float32)
        text_of = np.repeat(np.arange(len(texts)), np.diff(counts.indptr))
        norms = np.sqrt(np.bincount(text_of, weights=data * data, minlength=len(texts)))
        norms[norms == 0] = 1.0
        data /= norms[text_of].astype(np.float32)
        keep = known & (data != 0)
        indptr = np.concatenate([[0], np.cumsum(np.bincount(text_of[keep], minlength=len(texts)))])
        return sp.csr_matrix(
            (data[keep], at[keep].astype(np.int32), indptr),
            shape=(len(texts), len(self.buckets_)),
        )

    def _rank(self, forms: Sequence[str]) -> list[tuple[list[tuple[int, float, int]], list[float]]]:
        """For each form: its codes best first as (code index, score, best row), and the
        figures the calibration reads."""
        assert self.matrix_ is not None
        out: list[tuple[list[tuple[int, float, int]], list[float]]] = []
        for start in range(0, len(forms), 256):
            batch = forms[start : start + 256]
            sims = (self._vectors(batch) @ self.matrix_).tocsr()
            fuzzy = (
                process.cdist(
                    batch, self.fuzzy_forms_, scorer=fuzz.ratio, score_cutoff=FUZZY_MIN,
                    dtype=np.uint8, workers=-1 if len(batch) > 16 else 1,
                )
                if self.fuzzy_forms_
                else np.zeros((len(batch), 0), dtype=np.uint8)
            )  # fmt: skip
            for r in range(len(batch)):
                lo, hi = sims.indptr[r], sims.indptr[r + 1]
                near = np.flatnonzero(fuzzy[r])
                rows = np.concatenate([self.rows_[sims.indices[lo:hi]], self.fuzzy_rows_[near]])
                data = np.concatenate(
                    [sims.data[lo:hi], fuzzy[r, near].astype(np.float32) * (FUZZY_WEIGHT / 100)]
                )
                role = self.roles_.get(batch[r].split(" ", 1)[0])
                out.append(self._codes(rows, data, role, managing(batch[r])))
        return out

    def _codes(
        self,
        rows: npt.NDArray[np.int32],
        data: npt.NDArray[np.float32],
        role: frozenset[int] | None = None,
        manager: bool = True,
    ) -> tuple[list[tuple[int, float, int]], list[float]]:
        """The codes of the rows near a form, best first, and the calibration's figures;
        ``role``: the codes with a row that begins with the form's first word, when it is a
        role; ``manager``: whether a word of the form names a manager."""
        if not len(rows):
            return [], [0.0, 0.0, 0.0, 0.0]  # best, margin, best × margin, best × support
        keep = min(NEIGHBOURS, len(rows))
        top = np.argpartition(-data, keep - 1)[:keep]
        top = top[np.lexsort((rows[top], -data[top]))]
        near_rows = rows[top]
        near_codes = self.row_code_[near_rows]
        sims = data[top]
        scores: dict[int, list[float]] = {}
        best_row: dict[int, int] = {}
        for code, row, sim in zip(
            near_codes.tolist(), near_rows.tolist(), sims.tolist(), strict=True
        ):
            got = scores.setdefault(code, [])
            if len(got) < 2:
                got.append(sim)
                best_row.setdefault(code, row)
        # a code's score: its best row, plus a little for a second row that agrees; less when
        # the form begins with a role none of the code's rows begins with, or names no manager
        # and the code is a manager's
        managers = frozenset() if manager else self.managers_
        ranked = sorted(
            (
                (
                    c,
                    (got[0] + AGREEMENT * (got[1] if len(got) > 1 else 0.0))
                    * (1.0 if role is None or c in role else ROLE_KEPT)
                    * (MANAGER_KEPT if c in managers else 1.0),
                    best_row[c],
                )
                for c, got in scores.items()
            ),
            key=lambda item: (-item[1], item[0]),
        )
        best = ranked[0][1]
        margin = best - (ranked[1][1] if len(ranked) > 1 else 0.0)
        support = float(np.mean(near_codes[:SUPPORT_ROWS] == ranked[0][0]))
        return ranked, [best, margin, best * margin, best * support]

    def confidence(self, figures: list[float]) -> float:
        """The calibrated probability that the best code is right."""
        return self._probabilities([figures])[0]

    def read(self, forms: Sequence[str], *, limit: int) -> list[list[Ranked]]:
        """Up to ``limit`` codes for each normalised form, best first."""
        out: list[list[Ranked]] = []
        distinct = list(dict.fromkeys(f for f in forms if f))
        ranks = dict(zip(distinct, self._rank(distinct), strict=True)) if distinct else {}
        probabilities = self._probabilities([ranks[f][1] for f in distinct])
        confident = dict(zip(distinct, probabilities, strict=True))
        for form in forms:
            if not form:
                out.append([])
                continue
            ranked, _ = ranks[form]
            out.append(answer(self, form, ranked, confident[form], limit))
        return out

    def _probabilities(self, figures: list[list[float]]) -> list[float]:
        if not figures:
            return []
        if self.calibration_ is None:
            return [f[0] for f in figures]
        z = self.calibration_[0] + np.array(figures, dtype=np.float64) @ self.calibration_[1:]
        return [float(p) for p in 1.0 / (1.0 + np.exp(-z))]
