"""A job title as the reader sees it: employer noise and grades set aside, words lemmatised.

``Normaliser.words(text)`` turns «Ведущий Backend-разработчик (Python) в ТОО "Рога", Алматы,
300 000 тг» into ``("backend", "разработчик")``, in five steps:

1. **Noise out**, on the raw text: text in brackets (unless it holds a licence category or a
   grade, which step 2 reads, or «B2B», which makes a manager a sales representative:
   «Персональный менеджер (B2B)»), salary figures, «в ТОО ...» / «в компанию ...» and what
   follows, metro stations («м. Алатау»), and the words of ``NOISE_WORDS`` (city names,
   «вахта», «удалённо», «remote», «срочно» ...).
2. ``catalogs.normalize.normalize_occupation``: case, ё, punctuation, abbreviations
   («эл.газосварщик»), licence categories as one «кат c» at the end, grades («5 разряда»,
   «4-ші разряд») and hiring words («требуется»).
3. **Grade and seniority words out** (``SENIORITY``): senior, junior, middle, lead, ведущий,
   главный, старший, младший, стажёр, trainee, «ІІ санат» ... — «главный бухгалтер» is an
   accountant. «помощник» and «заместитель» stay: «помощник повара» is a kitchen helper, not a
   cook.
4. **Lemmas**: a Russian word becomes its dictionary form (pymorphy3: «водителя» → «водитель»,
   «главного» → «главный»; «слесар», typed or transliterated without its soft sign, →
   «слесарь»); a Kazakh word, or one the Russian dictionary does not know, loses
   its endings by the rules of ``reader.kazakh`` («жүргізушісі» → «жүргізуші»); Latin words
   stay as they are. Lemmas are cached per word.
5. ``key(words)`` joins them: the form exact look-ups use. ``loose(words)`` also folds Kazakh
   letters to their Russian look-alikes (ә→а, қ→к, ү→у, і→и): the form the learned part reads,
   so that Kazakh typed on a Russian keyboard («жургизуши») meets the dictionary form.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from catalogs.normalize import normalize_occupation
from matcher.reader.kazakh import kazakh_stem

_BRACKETS = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|\{[^{}]*\}")
_KEEP_IN_BRACKETS = re.compile(r"\b(?:кат\b|категор|санат|разряд|cat\b|b2b|в2в)", re.IGNORECASE)
_SALARY = re.compile(
    r"(?:от|до|from|to)?\s*\d[\d\s.,\-–]*\s*(?:000|тыс\w*|k)?\s*"
    r"(?:тг|тенге|теңге|₸|руб\w*|р|₽|kzt|rub|usd|\$|eur|€)(?!\w)\.?"
    r"(?:\s*(?:/|в|за)\s*(?:час|смен\w*|день|сутки|мес\w*))?",
    re.IGNORECASE,
)
_EMPLOYER = re.compile(
    r"\s(?:в|во|на|для|at|in)\s+(?:тоо|ао|ип|ооо|пао|зао|кх|гкп|кгу|ргп|ltd|llp|"
    r"компани\w*|организаци\w*|филиал\w*|предприяти\w*|сеть|сети|офис\w*|"
    r"холдинг\w*|групп\w* компаний|г\.|город\w*|районе?|мкр\w*)\b.*$"
    r"|\s(?:тц|трц|трк|бц|жк|ЖК)\s.*$",
    re.IGNORECASE,
)
_METRO = re.compile(r"\b(?:м\.|метро)\s*[\w-]+(?:\s+[\w-]+)?", re.IGNORECASE)
_CITY = re.compile(r"\bг\.\s*[\w-]+", re.IGNORECASE)

NOISE_WORDS = frozenset(
    {
        # cities (Kazakhstan, then the Russian cities the job boards show most)
        "астана", "алматы", "алма", "ата", "шымкент", "караганда", "қарағанды", "актобе",
        "ақтөбе", "тараз", "павлодар", "усть", "каменогорск", "өскемен", "семей", "атырау",
        "костанай", "қостанай", "кызылорда", "қызылорда", "уральск", "орал", "петропавловск",
        "актау", "ақтау", "темиртау", "туркестан", "түркістан", "кокшетау", "көкшетау",
        "талдыкорган", "талдықорған", "экибастуз", "жезказган", "балхаш", "конаев", "қонаев",
        "москва", "москве", "санкт", "петербург", "спб", "новосибирск", "екатеринбург",
        "казань", "челябинск", "омск", "самара", "уфа", "краснодар", "ростов", "дону",
        "нижний", "новгород", "пермь", "воронеж", "волгоград", "тюмень", "мо",
        # how and where the work is done, not what it is
        "вахта", "вахтой", "вахтовый", "вахтовым", "методом", "вахтовик", "удаленно",
        "удаленная", "удаленный", "удаленке", "удаленка", "remote", "remotely", "hybrid",
        "гибрид", "офис", "офисе", "подработка", "part", "time", "full", "fulltime",
        "parttime", "ночь", "ночные", "ночной", "смены", "смена", "сменный", "график",
        "срочно", "срочный", "ежедневные", "выплаты", "ежедневная", "оплата", "зп",
        "вакансия", "набор", "қашықтан", "вахталық",
    }
)  # fmt: skip
"""Words that tell where, when or how the work is done, never what it is."""

SENIORITY = frozenset(
    {
        "senior", "junior", "middle", "lead", "leading", "chief", "principal", "trainee",
        "intern", "internship", "стажер", "стажерка", "стажировка", "стажировки", "ведущий",
        "главный", "старший", "младший", "тимлид", "teamlead", "team", "джун", "джуниор",
        "сеньор", "синьор", "мидл", "лид", "jr", "sr", "middle+", "junior+", "senior+",
        "аға", "кіші", "бас", "жетекші", "санат", "санатты", "категория", "категории", "i",
        "ii", "iii", "iv", "уровня", "level", "начинающий", "опыта", "без",
    }
)  # fmt: skip
"""Grade and seniority words: they change the grade, not the occupation."""

STOP_WORDS = frozenset(
    {"по", "и", "или", "за", "с", "со", "к", "от", "до", "из", "при", "мен", "пен", "бен",
     "және", "немесе", "a", "an", "the", "of", "and"}
)  # fmt: skip
"""Words that carry no trade."""

CONTEXT_WORDS = frozenset({"в", "во", "на", "для", "үшін", "at", "for", "in"})
"""Prepositions that open the place or the purpose of a job («в ресторан», «на велосипеде»):
kept in ``words`` (``TitleReader`` reads the words before them on their own too), left out of
the forms the model reads."""

_SKIP = NOISE_WORDS | STOP_WORDS
TITLE_PAIRS = frozenset(
    {
        ("офис", "менеджер"), ("офис", "менеджера"), ("начальник", "смены"),
        ("мастер", "смены"), ("бригадир", "смены"),
    }
)  # fmt: skip
"""Pairs of words that are a title although one of them is a noise word: «офис-менеджер» is
an office manager, «начальник смены» a shift supervisor (not «менеджер», «начальник»)."""


def _kept(tokens: list[str]) -> list[str]:
    """The tokens that are neither noise nor stop words nor digits, except in ``TITLE_PAIRS``."""
    paired: set[int] = set()
    for i in range(len(tokens) - 1):
        if (tokens[i], tokens[i + 1]) in TITLE_PAIRS:
            paired.update((i, i + 1))
    return [t for i, t in enumerate(tokens) if i in paired or (t not in _SKIP and not t.isdigit())]


_MIXED = re.compile(
    r"\b(?=\w*[а-яёәғқңөұүһі])(?=\w*[a-z])\w+\b", re.IGNORECASE
)  # a word of Cyrillic and Latin letters both: «тiгiншi» typed with a Latin i
_LATIN_LOOKALIKES = str.maketrans("acekmhopxytbiACEKMHOPXYTBI", "асекмнорхутвіАСЕКМНОРХУТВІ")
_CYRILLIC_WORD = re.compile(r"^[а-яёәғқңөұүһі]+$")
_SENIOR_STEMS = ("главн", "ведущ", "старш", "младш", "стажер", "стажир")
_HARD_ENDS = frozenset("бвдзлмнпрстфц")
_KAZAKH_LETTERS = re.compile(r"[әғқңөұүһі]")
_KAZAKH_LOOSE = str.maketrans("әғқңөұүһі", "агкноуухи")


class Normaliser:
    """Texts to lemmas. One per process (``normaliser()``): the dictionary takes ~15 MB."""

    def __init__(self) -> None:
        import pymorphy3

        self._morph: Any = pymorphy3.MorphAnalyzer()
        self._lock = threading.Lock()
        self._known: dict[str, str] = {}
        self._lookup = lru_cache(maxsize=100_000)(self._lemma_uncached)
        self.clean = lru_cache(maxsize=50_000)(self._clean)  # type: ignore[method-assign]

    def _known_russian(self, word: str) -> bool:
        return bool(self._morph.word_is_known(word))

    def _lemma_uncached(self, word: str) -> str:
        if not _CYRILLIC_WORD.match(word):
            return word  # Latin, digits, signs: as written
        if _KAZAKH_LETTERS.search(word):
            return kazakh_stem(word, known=self._known_russian)
        with self._lock:  # the analyser is not documented as thread-safe
            if not self._known_russian(word):  # cheap; guessing a form is not
                if not (word[-1] in _HARD_ENDS and self._known_russian(word + "ь")):
                    return word  # a typo or Kazakh typed without its letters: n-grams will do
                word += "ь"  # a soft sign left out, as transliteration does: «слесар», «токар»
            parses = self._morph.parse(word)
        if not parses:
            return word
        person = next((p for p in parses if p.tag.POS == "NOUN" and "anim" in p.tag), None)
        # a title names a person: «техник» is a technician, «электрика» an electrician's
        best = person or next((p for p in parses[:3] if not _is_verb(p)), parses[0])
        return str(best.normal_form).replace("ё", "е")

    def russian_noun(self, word: str) -> bool:
        """Whether the Russian dictionary knows ``word`` and reads it first as a noun."""
        if not _CYRILLIC_WORD.match(word):
            return False
        with self._lock:
            return bool(self._known_russian(word) and self._morph.parse(word)[0].tag.POS == "NOUN")

    def lemmas(self, words: Iterable[str]) -> dict[str, str]:
        """The lemma of every word (to keep with a fitted model)."""
        return {word: self._lemma(word) for word in words}

    def seed(self, lemmas: dict[str, str]) -> None:
        """Take lemmas found earlier (a fitted model's words): they are not looked up again."""
        self._known.update(lemmas)

    def _lemma(self, word: str) -> str:
        found = self._known.get(word)
        return found if found is not None else self._lookup(word)

    def clean(self, text: str) -> str:
        """Step 1 and 2: the text without noise, normalised (``normalize_occupation``)."""
        return self._clean(text)

    def _clean(self, text: str) -> str:
        """Step 1 and 2: the text without noise, normalised (``normalize_occupation``)."""
        text = _MIXED.sub(lambda m: m.group(0).translate(_LATIN_LOOKALIKES), text)
        inside = " ".join(
            m.group(0) for m in _BRACKETS.finditer(text) if _KEEP_IN_BRACKETS.search(m.group(0))
        )
        outside = _BRACKETS.sub(" ", text)
        outside = _SALARY.sub(" ", outside)
        outside = _METRO.sub(" ", outside)
        outside = _CITY.sub(" ", outside)
        outside = _EMPLOYER.sub(" ", " " + outside)
        normalised = normalize_occupation(f"{outside} {inside}")
        if not normalised:  # all of it was noise: read the brackets after all
            normalised = normalize_occupation(_BRACKETS.sub(lambda m: m.group(0)[1:-1], text))
        return normalised

    def words(self, text: str) -> tuple[str, ...]:
        """The lemmas of ``text`` without noise, grade and seniority words (steps 1-4)."""
        return self.read(text)[0]

    def read(self, text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """``words(text)``, and the lemmas before seniority words were set aside (the same
        when there were none, or when nothing else is left)."""
        lemmas = tuple(self._lemma(t) for t in _kept(self.clean(text).split()))
        kept = tuple(t for t in lemmas if t not in SENIORITY and not t.startswith(_SENIOR_STEMS))
        return (kept or lemmas), lemmas


def _is_verb(parse: Any) -> bool:
    """A finite verb's reading: a title's «стали» is steel before it is «стать»; the
    infinitive («шить», «варить») is kept, it names a trade."""
    return "VERB" in parse.tag or "GRND" in parse.tag


def key(words: tuple[str, ...]) -> str:
    """The exact look-up form: the lemmas joined."""
    return " ".join(words)


def loose(words: tuple[str, ...]) -> str:
    """The learned reader's form: the lemmas without context prepositions, joined, Kazakh
    letters folded."""
    return " ".join(w for w in words if w not in CONTEXT_WORDS).translate(_KAZAKH_LOOSE)


_INSTANCE: list[Normaliser] = []
_INSTANCE_LOCK = threading.Lock()


def normaliser() -> Normaliser:
    """The process-wide normaliser (one ``MorphAnalyzer`` per process)."""
    with _INSTANCE_LOCK:
        if not _INSTANCE:
            _INSTANCE.append(Normaliser())
        return _INSTANCE[0]
