"""Every user-facing message exists in Russian, Kazakh and English, with the same fields."""

from __future__ import annotations

import pathlib
import re
import string

import pytest

from catalogs.i18n import LANGS, messages


def fields_of(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def catalog_packages() -> list[str]:
    """Every package of the project that keeps a message catalog (a ``locales`` folder with
    its ``ru.json``), so that a catalog added later is scanned without being listed here."""
    root = pathlib.Path(__file__).parent.parent
    return sorted(
        ".".join(folder.parent.relative_to(root).parts)
        for top in ("catalogs", "matcher", "service")
        for folder in (root / top).rglob("locales")
        if (folder / "ru.json").is_file()
    )


PACKAGES = catalog_packages()


def test_every_catalog_is_scanned() -> None:
    expected = {"catalogs", "matcher", "service", "service.cli", "service.notify", "service.web"}
    assert expected <= set(PACKAGES)


@pytest.mark.parametrize("package", PACKAGES)
def test_three_languages_same_keys_same_fields(package: str) -> None:
    templates = messages(package).templates
    keys = {lang: set(templates[lang]) for lang in LANGS}
    assert keys["kk"] == keys["ru"] == keys["en"]
    for key in keys["ru"]:
        assert (
            fields_of(templates["kk"][key])
            == fields_of(templates["ru"][key])
            == fields_of(templates["en"][key])
        ), key
        assert all(templates[lang][key].strip() for lang in LANGS), key


def test_every_error_code_used_in_code_has_a_message() -> None:
    import pathlib
    import re

    root = pathlib.Path(__file__).parent.parent
    used: set[str] = set()
    for path in [*root.glob("catalogs/**/*.py"), *root.glob("service/**/*.py")]:
        source = path.read_text()
        used |= set(
            re.findall(
                r'(?:FieldError|Problem\([^,]+,|RowError\([^,]+, [^,]+,)\s*\(?\s*"([a-z0-9_]+)"',
                source,
            )
        )
    assert used, "the pattern found no codes"
    missing = used - set(messages("catalogs").templates["ru"])
    assert not missing


def test_days_are_written_as_people_here_write_them() -> None:
    from datetime import date, datetime

    from catalogs.i18n import local_day

    assert local_day(date(2027, 1, 27)) == "27.01.2027"
    assert local_day("2027-01-27") == "27.01.2027"
    assert local_day("2027-02-30") == "2027-02-30"  # not a day: as typed
    assert local_day("P00001") == "P00001"
    moment = datetime(2027, 1, 27, 9, 30)
    assert local_day(moment) is moment


ALLOWED_LATIN = frozenset(
    {
        # names of standards, formats and programs, written so in Kazakh and Russian texts too
        "ISCO-08",
        "CSV",
        "JSON",
        "UTF-8",
        "API",
        "SHA-256",
        "SQLite",
        "PostgreSQL",
        "Excel",
        # quality measures of the ranking model, shown on the model's card as they are named
        "AUC",
        "NDCG",
        # keyboard keys
        "Ctrl",
        "C",
    }
)
"""Latin words a Kazakh or Russian text may hold outside code marks. Everything else the
reader types (a column, an option, a command, a value) is written as code: in backticks, as an
``--option``, or inside an address."""

_CODE = re.compile(
    r"`[^`]*`"  # what the reader types, in backticks
    r"|--[a-z][a-z-]*"  # a command-line option
    r"|https?://\S+|\S*@\S+|/[\w{}/.-]+"  # an address, an e-mail address or a path
    r"|\{[^{}]*\}"  # a field of the template
)
_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*")


def latin_words(template: str) -> list[str]:
    """The Latin-script words of ``template`` that are neither code nor allowed names."""
    prose = _CODE.sub(" ", template)
    return [word for word in _LATIN.findall(prose) if word not in ALLOWED_LATIN]


@pytest.mark.parametrize("package", PACKAGES)
def test_no_english_words_or_codes_in_kazakh_and_russian_texts(package: str) -> None:
    templates = messages(package).templates
    found = {
        f"{lang}:{key}": words
        for lang in ("kk", "ru")
        for key, template in templates[lang].items()
        if (words := latin_words(template))
    }
    assert not found


def test_the_latin_scan_finds_what_it_must() -> None:
    assert latin_words("БСН тек employer рөлі үшін") == ["employer"]
    assert latin_words("мәртебе released, бірақ") == ["released"]
    assert latin_words("тексеруден өтпеді: details қараңыз") == ["details"]
    assert latin_words("`kato` немесе --region, ISCO-08, http://x/api/v1, {person_id}") == []


@pytest.mark.parametrize(
    ("n", "ru", "kk", "en"),
    [
        (1, "1 место", "1 орын", "1 place"),
        (2, "2 места", "2 орын", "2 places"),
        (4, "4 места", "4 орын", "4 places"),
        (5, "5 мест", "5 орын", "5 places"),
        (11, "11 мест", "11 орын", "11 places"),
        (14, "14 мест", "14 орын", "14 places"),
        (21, "21 место", "21 орын", "21 places"),
        (22, "22 места", "22 орын", "22 places"),
        (111, "111 мест", "111 орын", "111 places"),
        (0, "0 мест", "0 орын", "0 places"),
        ("2 000", "2 000 мест", "2 000 орын", "2 000 places"),
        (1.5, "1.5 места", "1.5 орын", "1.5 places"),
    ],
)
def test_a_noun_agrees_with_its_number(n: object, ru: str, kk: str, en: str) -> None:
    from catalogs.i18n import plural

    assert plural(n, "one=# место|few=# места|many=# мест|other=# места", "ru") == ru
    assert plural(n, "other=# орын", "kk") == kk
    assert plural(n, "one=# place|other=# places", "en") == en


def test_a_code_is_shown_as_a_word() -> None:
    from catalogs.i18n import plural

    assert plural("BIN", "IIN=ИИН|BIN=БИН|other=#", "ru") == "БИН"
    assert plural("XYZ", "IIN=ИИН|BIN=БИН|other=#", "ru") == "XYZ"
    catalogs = messages("catalogs")
    assert catalogs.text("expected_12_digits", "kk", kind="IIN") == "ЖСН 12 цифрдан тұруы керек"
    assert catalogs.text("bad_checksum", "ru", kind="BIN") == "неверная контрольная цифра БИН"


@pytest.mark.parametrize(
    ("count", "ru", "kk"),
    [
        (1, "1 человек", "1 адам"),
        (3, "3 человека", "3 адам"),
        (4, "4 человека", "4 адам"),
        (5, "5 человек", "5 адам"),
        (12, "12 человек", "12 адам"),
    ],
)
def test_messages_agree_with_their_numbers(count: int, ru: str, kk: str) -> None:
    service = messages("service")
    assert f"в когорте {ru}:" in service.text("api_cohort_too_large", "ru", count=count)
    assert f"когортада {kk}:" in service.text("api_cohort_too_large", "kk", count=count)
    imported = service.text("imported", "ru", kind="x", rows=1, inserted=1, updated=0, seconds=1)
    assert "импортирована 1 строка" in imported
    matcher = messages("matcher")
    assert matcher.text("shelter_near_job", "ru", beds=1, km=3).endswith(
        "свободно 1 койко-место, 3 км"
    )
    assert "свободно 2 койко-места" in matcher.text("shelter_near_job", "ru", beds=2, km=3)
    assert "(2 квотных места)" in matcher.text("course_gap", "ru", occupation="x", slots=2)
    assert "(5 квотных мест)" in matcher.text("course_gap", "ru", occupation="x", slots=5)


def test_a_kazakh_day_takes_its_case_on_the_month() -> None:
    from datetime import date

    from catalogs.i18n import KK_MONTH_CASES, day_in_case

    may3 = date(2027, 5, 3)
    assert day_in_case(may3, "abl", "kk") == "2027 жылғы 3 мамырдан"
    assert day_in_case("2027-08-30", "dat", "kk") == "2027 жылғы 30 тамызға"
    assert day_in_case("27.01.2027", "loc", "kk") == "2027 жылғы 27 қаңтарда"
    assert day_in_case(date(2027, 9, 1), "abl", "kk") == "2027 жылғы 1 қыркүйектен"
    assert day_in_case(date(2027, 9, 1), "dat", "kk") == "2027 жылғы 1 қыркүйекке"
    assert day_in_case(may3, "abl", "ru") == day_in_case(may3, "dat", "en") == "03.05.2027"
    assert day_in_case("P00001", "abl", "kk") == "P00001"
    # the endings follow the month's last vowel (back а/ы, front е/і) and last sound
    for abl, dat, loc in KK_MONTH_CASES.values():
        front = [c for c in abl[:-3] if c in "аоұыәеіөүи"][-1] in "әеіөүи"
        assert abl[-3:] in (("ден", "тен", "нен") if front else ("дан", "тан", "нан"))
        assert dat[-2:] in (("ге", "ке") if front else ("ға", "қа"))
        assert loc[-2:] in (("де", "те") if front else ("да", "та"))
    plan = messages("matcher").text("plan_course", "kk", title="x", start=may3, end="2027-08-30")
    assert plan == "Оқу: «x», 2027 жылғы 3 мамырдан бастап 2027 жылғы 30 тамызға дейін"
    assert messages("matcher").text(
        "plan_course", "ru", title="x", start=may3, end="2027-08-30"
    ) == ("Обучение: «x», с 03.05.2027 по 30.08.2027")


@pytest.mark.parametrize("package", PACKAGES)
def test_one_word_per_concept_in_kazakh(package: str) -> None:
    """A vacancy is «бос жұмыс орны», a course seat «курстағы орын», a shelter bed «төсек-орын»,
    a quota period «квота мерзімі»: bare «бос орын(дар)» names none of them."""
    found = {
        key: template
        for key, template in messages(package).templates["kk"].items()
        if re.search(r"\bбос орын", template) or "терезе" in template or "ұсыну мерзім" in template
    }
    assert not found


def test_every_occupation_the_demo_uses_has_a_kazakh_title() -> None:
    """The demo's jobs and courses name ISCO-08 codes; a Kazakh reader sees each one's Kazakh
    title, never the Russian one in its place."""
    import csv
    from importlib import resources

    from catalogs.reference.occupations import occupations

    data = resources.files("catalogs.demo").joinpath("data")
    jobs = csv.DictReader(data.joinpath("occupations.csv").read_text("utf-8").splitlines())
    courses = csv.DictReader(data.joinpath("courses.csv").read_text("utf-8").splitlines())
    codes = {row["code"] for row in jobs}
    codes |= {code for row in courses for code in row["codes"].split("|") if code}
    assert len(codes) > 50
    titles = {code: found.title_kk for code in codes if (found := occupations().get(code))}
    assert set(titles) == codes
    assert not sorted(code for code, title in titles.items() if not title)


def test_a_referral_line_names_the_kind_in_words() -> None:
    from catalogs.enums import ITEM_KINDS

    service = messages("service")
    for kind in ITEM_KINDS:
        assert not latin_words(service.text(f"item_kind_{kind}", "ru"))
        assert not latin_words(service.text(f"item_kind_{kind}", "kk"))


def test_every_outcome_event_has_a_word() -> None:
    from catalogs.enums import EVENTS

    service = messages("service")
    for event in EVENTS:
        for lang in ("ru", "kk"):
            label = service.text(f"outcome_event_{event}", lang)
            assert label, (event, lang)
            assert not latin_words(label), (event, lang)


def test_what_the_commands_print_in_kazakh_and_russian_holds_no_codes_or_iso_days(run) -> None:  # type: ignore[no-untyped-def]
    """The lists, the reasons, the plan page and the counts as a reader sees them: no ISO day
    (2027-01-27), no enum code (``released``, ``general_secondary``, ``vacancy``) and no noun
    that disagrees with its number («1 свободных мест», «(2 мест)»)."""
    from catalogs import enums

    made = run(
        "demo", "--vacancies", "300", "--courses", "40", "--persons", "40", "--as-of", "2026-11-25"
    )
    assert made.exit_code == 0, made.output
    codes = {
        value
        for name in dir(enums)
        if name.isupper()
        for value in (getattr(enums, name) if isinstance(getattr(enums, name), tuple) else ())
        if isinstance(value, str) and len(value) > 2 and value.isascii()
    }
    codes |= {"general_secondary", "basic_secondary", "in_custody", "employer", "details"}
    day = ("--as-of", "2026-11-25")
    for lang in ("kk", "ru"):
        outputs = [
            run("--lang", lang, "recommend", person, "--kind", kind, *day, "--no-record")
            for person in ("P00001", "P00002", "P00003")
            for kind in ("vacancy", "course", "shelter")
        ]
        outputs.append(run("--lang", lang, "stats"))
        outputs.append(run("--lang", lang, "plan", "P00001", *day, "--format", "html"))
        for result in outputs:
            assert result.exit_code == 0, result.output
            shown = re.sub(r"<style.*?</style>", "", result.stdout, flags=re.S)
            shown = re.sub(r"https?://\S+", " ", shown)  # a course's address is no code
            words = set(re.findall(r"[A-Za-z_0-9]+", re.sub(r"<[^>]+>", " ", shown)))
            assert not words & codes, (lang, words & codes)
            assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", shown), lang
            assert not re.search(r"\b1 свободных|\b[2-4] мест\b|\b1 мест\b", shown), lang


def test_a_decimal_takes_the_languages_mark() -> None:
    from catalogs.i18n import decimal

    assert decimal(0.8937, "ru", 4) == "0,8937"
    assert decimal(0.8937, "kk", 2) == "0,89"
    assert decimal(0.8937, "en", 4) == "0.8937"
    assert decimal(302.5, "kk") == "302,5"
    assert decimal(28.0, "ru") == "28"
