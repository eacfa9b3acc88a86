"""Invented people's names: Kazakh, Russian or Uzbek by the region's population mix, with
feminine surnames and Russian-style patronymics."""

from __future__ import annotations

import random

from catalogs.demo.tables import Region, tables


def surname(rng: random.Random, region: Region, *, female: bool = False) -> str:
    """A surname typical of the region's population (Kazakh, Russian or Uzbek)."""
    group = name_group(rng, region)
    value = rng.choice(tables().person_names[(group, "surname")])
    return feminine_surname(value) if female else value


def name_group(rng: random.Random, region: Region) -> str:
    """``kz``, ``uz`` or ``ru``, drawn by the region's population mix."""
    draw = rng.random()
    if draw < region.kazakh_share:
        return "kz"
    if draw < region.kazakh_share + region.uzbek_share:
        return "uz"
    return "ru"


def feminine_surname(value: str) -> str:
    """Ахметов -> Ахметова, Мусин -> Мусина; Ким, Шевченко, Шмидт stay as they are."""
    if value.endswith(("ов", "ев", "ёв", "ин")):
        return value + "а"
    return value


_IRREGULAR_PATRONYMICS = {
    "Дмитрий": ("Дмитриевич", "Дмитриевна"),
    "Михаил": ("Михайлович", "Михайловна"),
    "Никита": ("Никитич", "Никитична"),
}


def patronymic(father: str, *, female: bool) -> str:
    """Russian-style patronymic from a father's first name (Нурлан -> Нурланович / -овна)."""
    if father in _IRREGULAR_PATRONYMICS:
        male_form, female_form = _IRREGULAR_PATRONYMICS[father]
        return female_form if female else male_form
    if father.endswith("ий"):
        stem = father[:-2] + "ьев"
    elif father.endswith(("й", "ь")):
        stem = father[:-1] + "ев"
    elif father.endswith("и"):
        stem = father + "ев"
    else:
        stem = father + "ов"
    return stem + ("на" if female else "ич")


def full_name(rng: random.Random, region: Region, sex: str) -> tuple[str, str]:
    """``(full name, name group)``: surname, first name and patronymic."""
    names = tables().person_names
    group = name_group(rng, region)
    female = sex == "f"
    first = rng.choice(names[(group, "female" if female else "male")])
    family = rng.choice(names[(group, "surname")])
    if female:
        family = feminine_surname(family)
    father = rng.choice(names[(group, "male")])
    return f"{family} {first} {patronymic(father, female=female)}", group
