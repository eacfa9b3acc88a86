"""A reason's text renders its parameters in the reader's language, whatever their type."""

from __future__ import annotations

from dataclasses import dataclass

from matcher.explain import Reason, Rendered, Terms


@dataclass(frozen=True)
class Label:
    words: dict[str, str]

    def render(self, lang: str) -> str:
        return self.words[lang]


def test_terms_render_in_each_language() -> None:
    reason = Reason("shelter_services", {"services": Terms(("service_legal", "service_addiction"))})
    assert reason.text("ru") == "Услуги по потребностям: юридическая помощь, лечение зависимости"
    assert reason.texts()["en"].endswith(": legal aid, addiction treatment")
    assert "юридическая" not in reason.text("kk")


def test_any_rendered_parameter_renders_and_plain_values_pass_through() -> None:
    label = Label({"ru": "сварщик", "kk": "дәнекерлеуші", "en": "welder"})
    assert isinstance(label, Rendered)
    reason = Reason("course_own_trade", {"occupation": label})
    assert reason.text("ru") == "Повышение квалификации по своей профессии: сварщик"
    assert reason.text("kk") == "Өз кәсібі бойынша біліктілікті арттыру: дәнекерлеуші"
    assert reason.text("en") == "Upskilling in the person's own trade: welder"
    plain = Reason("course_own_trade", {"occupation": "токарь"})
    assert plain.text("ru") == "Повышение квалификации по своей профессии: токарь"
    # the same type seen again (its check is remembered) still renders per language
    again = Reason("course_own_trade", {"occupation": Label({"ru": "а", "kk": "ә", "en": "a"})})
    assert [again.text(lang) for lang in ("ru", "kk", "en")] == [
        "Повышение квалификации по своей профессии: а",
        "Өз кәсібі бойынша біліктілікті арттыру: ә",
        "Upskilling in the person's own trade: a",
    ]


def test_matched_skills_are_shown_as_the_person_wrote_them() -> None:
    from matcher.features.occupation import shown_skills, skill_keys

    written = ("Полуавтоматическая сварка (MIG/MAG)", "чтение чертежей", "сварка (mig/mag) ")
    keys = skill_keys(["полуавтоматическая сварка mig mag", "Чтение чертежей"])
    assert shown_skills(written, keys) == ["Полуавтоматическая сварка (MIG/MAG)", "чтение чертежей"]
    assert shown_skills(written, frozenset()) == []


def test_an_occupation_match_names_the_group_both_are_in() -> None:
    from collections import defaultdict

    from matcher.explain import vacancy_reasons

    def match(profession: str, title: str, fit: float) -> Reason:
        facts = {"occupation_source": "9412", "code": "9412", "profession": profession, "km": 3.0}
        values = defaultdict(float, occupation=fit)
        reasons = vacancy_reasons(values, facts, defaultdict(float), title=title)
        return next(r for r in reasons if r.code.startswith("occupation_match"))

    helper = match("помощник повара", "Посудомойщица", 0.98)
    assert helper.text("ru") == (
        "Та же группа занятий — Помощники на кухне: помощник повара и «Посудомойщица»"
    )
    assert helper.text("kk") == (
        "Сол кәсіп тобы — Ас үйдегі көмекшілер: помощник повара және «Посудомойщица»"
    )
    assert "%" not in helper.text("ru")
    assert match("помощник повара", "Посудомойщица", 0.6).text("ru").startswith("Вероятно, ")
    same = match("посудомойщица", "Посудомойщица", 1.0)
    assert same.text("ru") == "Своя профессия: «Посудомойщица» (Помощники на кухне)"
