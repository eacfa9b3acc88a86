"""The forms one text is read as, and how much of the text the chosen reading accounts for.

A job-board title is rarely one clean occupation title: «Бариста-стажёр в кофейню у метро»,
«Кассир / Заместитель управляющего», «Маляр на кондитерскую фабрику». The reader reads each
text as several *forms* (``Forms.of``):

- ``whole``: the text as normalised; when written in Latin letters only, also with the Latin
  words the vocabulary does not know transliterated (and each of the forms below is made of
  both; «Business Development Manager», known word by word, stays English);
  when the vocabulary knows the title with its seniority words («младший бухгалтер» is an
  accounting assistant), that form first;
- ``part``: each of the alternatives it lists («A / B», «A \\ B», «A или B»);
- ``head``: the words before a preposition that says where or for whom («курьер на
  велосипеде», «бариста в ресторан»), keeping a licence category;
- ``half``: the text with a hyphenated compound of two titles replaced by either of them
  («Грумер-стилист» → «грумер», «стилист»; «Слесарь-сборщик» → «слесарь», «сборщик»);
- ``subject``: the words before «по», which name who does the work when what follows is only
  its field («Юрист по договорам поставки электроэнергии» → «юрист»);
- ``helper``: the trade a helper, assistant or apprentice learns, when the vocabulary does not
  know the title as a whole («помощник сварщика» → «сварщик», as «помощник электрика» is
  coded with the electricians; «помощник повара», a kitchen helper, is known as a whole).

Each form's best confidence is *discounted* (``evidence``) by what the form leaves
unexplained, and the form with the highest discounted confidence wins (a form after the first
must be ``PART_MARGIN`` surer), with that confidence; the calibration on real titles sees it
so:

- the share of the whole text's words the chosen form leaves out costs up to
  ``UNCOVERED_COST`` (a head read exactly says nothing of the rest: «маляр» is sure, «маляр
  на кондитерскую фабрику» less so), and a half, a subject or a helper's trade keeps
  ``HALF_KEPT`` of the rest;
- alternatives (or the halves of a compound) read as codes of different ISCO minor groups
  keep ``DISAGREEMENT``: a title that names two jobs («Оператор ПК / Грузчик») is neither of
  them for sure; unless the whole text is a curated title read exactly («шеф-повар»);
- and the other way round, the halves of a compound that each read as the whole's code
  lend it their confidence (``Forms.halves_agree``).

The figures were chosen on the labelled real titles one may learn from
(``tools/reference/calibrate_reader.py``), by the share of answers that can be given with at
most 5% of them wrong.
"""

from __future__ import annotations

import re
from collections.abc import Container
from dataclasses import dataclass

from matcher.reader.answers import Ranked
from matcher.reader.normalise import CONTEXT_WORDS, Normaliser, loose
from matcher.text import transliterate

PART_MARGIN = 0.05
"""A form after the first is read instead of it only when it is this much surer (once
discounted)."""
UNCOVERED_COST = 0.45
"""The confidence lost when the chosen form leaves out all of the text's words but its own
(in proportion to the share left out)."""
DISAGREEMENT = 0.7
"""The confidence kept when the alternatives a text lists are read as different codes."""
HALF_KEPT = 0.6
"""The confidence kept by one half of a compound («грумер» of «грумер-стилист») or by the
words before «по»: what is left out may name the work as much as they do («врач-эндокринолог»,
«директор по развитию»)."""

HELPERS = frozenset({"помощник", "ассистент", "ученик", "напарник", "көмекші", "шәкірт"})
"""Words that make a title a helper of the trade that follows («помощник сварщика»)."""

HEAD_ENDS = CONTEXT_WORDS
_LATIN_WORD = re.compile(r"^[a-z][a-z0-9+#.]*$")
_LATIN = re.compile(r"[a-zá-ýıǵńóúý]", re.IGNORECASE)
_CYRILLIC = re.compile(r"[а-яёәғқңөұүһі]", re.IGNORECASE)
_ALTERNATIVES = re.compile(r"\s*[/\\|;]\s*|\s+или\s+|\s+немесе\s+")
_LATIN_RUN = re.compile(r"[^\W\d_]+")
_SUBJECT = re.compile(r"\s+по\s+", re.IGNORECASE)
_COMPOUND = re.compile(r"(?<![\w-])([^\W\d_]{3,})-([^\W\d_]{3,})(?![\w-])")


@dataclass(frozen=True, slots=True)
class Form:
    text: str
    """What the model reads (``normalise.loose``)."""
    kind: str
    """``whole``, ``part``, ``head``, ``half`` or ``subject``."""


@dataclass(frozen=True, slots=True)
class Forms:
    """The forms of one text, the whole first."""

    forms: tuple[Form, ...]

    @classmethod
    def of(cls, text: str, norm: Normaliser, known: Container[str], exact: Container[str]) -> Forms:
        """The forms of ``text`` (already without employer names). ``known`` is the
        vocabulary's words (a Latin word it does not know inside a Russian title is a brand),
        ``exact`` its exact look-ups (a container of forms)."""
        whole = [text]
        if _LATIN.search(text) and not _CYRILLIC.search(text):
            # an English word the vocabulary knows stays English: «manager», not «манагер»
            spelt = _LATIN_RUN.sub(lambda m: _spelt(m.group(0), known), text)
            if spelt != text:
                whole.append(spelt)
        parts = [
            p
            for one in whole
            if _ALTERNATIVES.search(one)
            for p in _ALTERNATIVES.split(one)
            if p.strip()
        ]
        halves = [
            one[: m.start()] + m.group(i) + one[m.end() :]
            for one in whole
            for m in _COMPOUND.finditer(one)
            for i in (1, 2)
        ]
        subjects = [_SUBJECT.split(one, maxsplit=1) for one in whole]
        heads = [s[0] for s in subjects if len(s) > 1 and s[0].strip()]
        out: list[Form] = []
        for kind, texts in (
            ("whole", whole),
            ("part", parts),
            ("half", halves),
            ("subject", heads),
        ):
            for one in texts:
                words, lemmas = norm.read(one)
                if _CYRILLIC.search(one):  # a brand in Latin letters («IUMAN») names no trade
                    named = tuple(w for w in words if not (_LATIN_WORD.match(w) and w not in known))
                    words = named or words
                if lemmas != words and loose(lemmas) in exact:
                    out.append(Form(loose(lemmas), kind))  # known with its seniority words
                out.append(Form(loose(words), kind))
                out.extend(_heads(words, "head"))
                if len(words) > 1 and words[0] in HELPERS and words[1] not in HEAD_ENDS:
                    out.append(Form(loose(words[1:]), "helper"))
                    out.extend(_heads(words[1:], "helper"))
        seen: set[str] = set()
        kept: list[Form] = []
        for form in out:
            if form.text and form.text not in seen:
                seen.add(form.text)
                kept.append(form)
        return cls(tuple(kept))

    def texts(self) -> list[str]:
        return [f.text for f in self.forms]

    def choose(self, answers: dict[str, list[Ranked]]) -> list[Ranked]:
        """The codes of the form whose best code is the most confident once discounted by
        ``evidence`` (the whole text wins ties and near ties), that confidence given."""
        best: list[Ranked] = []
        best_sure = 0.0
        best_form = self.forms[0] if self.forms else Form("", "whole")
        for form in self.forms:  # the first of equals wins: the whole text before its parts
            found = answers[form.text]
            if not found:
                continue
            sure = found[0].confidence * self.evidence(form, found[0].code, answers)
            if not best or sure > best_sure + PART_MARGIN:
                best, best_sure, best_form = found, sure, form
        if best and best_form.kind == "whole":
            best_sure = max(best_sure, self.halves_agree(best[0].code, answers))
        if not best or best_sure == best[0].confidence:
            return best
        top = best[0]
        return [
            Ranked(top.code, top.score, best_sure, top.label, top.nkz),
            *(Ranked(r.code, r.score, min(r.confidence, best_sure), r.label, r.nkz)
              for r in best[1:]),
        ]  # fmt: skip

    def halves_agree(self, code: str, answers: dict[str, list[Ranked]]) -> float:
        """How sure the halves of a compound title are when each reads as ``code`` on its own
        («Backend-разработчик»: «backend» and «разработчик» are both developers), else 0: two
        readings that agree with the whole make it as sure as the less sure of them."""
        firsts = [answers[f.text][0] for f in self.forms if f.kind == "half" and answers[f.text]]
        if len(firsts) < 2 or any(r.code != code for r in firsts):
            return 0.0
        return min(r.confidence for r in firsts)

    def evidence(self, chosen: Form, code: str, answers: dict[str, list[Ranked]]) -> float:
        """The share of the chosen reading's confidence the rest of the text leaves it."""
        whole = max((len(f.text.split()) for f in self.forms if f.kind == "whole"), default=1)
        covered = min(1.0, len(chosen.text.split()) / max(whole, 1))
        kept = 1.0 - UNCOVERED_COST * (1.0 - covered)
        if chosen.kind in ("half", "subject", "helper"):
            kept *= HALF_KEPT
        found = answers[chosen.text]
        if chosen.kind == "whole" and found and found[0].confidence >= 1.0:
            return kept  # a curated title as a whole («шеф-повар»): its halves say nothing
        for kind in ("part", "half"):  # the alternatives, the halves of a compound
            firsts = {
                answers[f.text][0].code for f in self.forms if f.kind == kind and answers[f.text]
            }
            named = chosen.kind in (kind, "whole", "head", "helper") and len(firsts) > 1
            if named and not all(c[:3] == code[:3] for c in firsts):
                kept *= DISAGREEMENT
        return kept


def _spelt(word: str, known: Container[str]) -> str:
    """A Latin word in Cyrillic letters, unless the vocabulary knows it as written."""
    return word if word.casefold() in known else transliterate(word)


def _heads(words: tuple[str, ...], kind: str) -> list[Form]:
    """The words before a preposition that says where or for whom, as a form of ``kind``."""
    cut = next((i for i, w in enumerate(words) if i and w in HEAD_ENDS), None)
    if cut is None:
        return []
    licence = words[-2:] if len(words) > cut + 1 and words[-2] == "кат" else ()
    return [Form(loose(words[:cut] + licence), kind)]  # a licence category stays: it is last
