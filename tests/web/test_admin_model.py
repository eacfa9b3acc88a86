"""The administrator's model page shows the trade-first gate a retraining measured on the lists
an officer sees (issue 15): a real retraining on a small demo, read in Kazakh and in Russian,
for the version in force and for the version's own page; a card made before the gate renders
as it did; and axe-core on the page with the gate in a real browser."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import pytest

from catalogs.demo import DemoSpec
from catalogs.i18n import messages
from service.store import demo, modelstore
from service.store import rows as glue
from service.store.imports import import_records
from service.store.model_card import ModelCard
from service.usecases import model
from service.usecases.actor import Actor
from tests import outcome_world
from tests.web.conftest import Site
from tests.web.test_admin_pages import CARD, learned, typed, web
from tests.web.test_browser import browser, checked, log_in, page, shot
from tests.web.test_pages import logged_in, shown_codes, visible

__all__ = ["browser", "learned", "page"]  # the fixtures, shared with the other web tests


@pytest.fixture(scope="module")
def retrained(site: Site) -> ModelCard:
    """This site's world replaced by a small demo with a history in which some employers keep
    people, and a learned model trained on it; its card (whether promoted or refused)."""
    today = date.today()
    with site.rt.writing() as session:
        spec = DemoSpec(seed=11, as_of=today, vacancies=300, courses=30, persons=250)
        demo.build(session, spec, protector=site.rt.protector, fresh=True)
        session.commit()
        engine = glue.load_engine(session, today=today, congestion=False, learned=False)
        events = outcome_world.referrals(
            session,
            site.rt.protector,
            lambda p, rec, rank, day: 0.75 if outcome_world.good_employer(engine, rec.id) else 0.1,
            today=today,
        )
        report = import_records(session, "outcomes", events, protector=site.rt.protector)
        assert report.ok
    return model.retrain(site.rt, Actor(role="admin"), today=today).card


def _share(value: float, lang: str) -> str:
    shown = f"{round(100 * value, 1):g}"
    return f"{shown}%" if lang == "en" else f"{shown.replace('.', ',')} %"


def _place(value: float, lang: str) -> str:
    return f"{value:.1f}" if lang == "en" else f"{value:.1f}".replace(".", ",")


def _text(html: str) -> str:
    return " ".join(visible(html).split())


def _verdict(card: Mapping[str, Any], lang: str) -> str:
    """What the page must say of the gate, read from the card as the gate decided it."""
    entry, gates = card["kinds"]["vacancy"], card["gates"]
    lists = entry["trade_first_lists"]
    if not lists["reachable"]:
        return web("admin_trade_nothing", lang)
    if any(r["code"] == "exact_trade_down" for r in entry["refused"]):
        better = max(lists["champion"]["top_share"], lists["baseline"]["top_share"])
        return web("admin_trade_refused", lang, challenger=_share(lists["challenger"]["top_share"], lang),
                   reference=_share(better, lang), slack=2)  # fmt: skip
    if lists["reachable"] < gates["exact_trade_min_lists"]:
        return web("admin_trade_not_judged", lang, needed=gates["exact_trade_min_lists"])
    return web("admin_trade_passed", lang, slack=2)


def _shows_the_gate(html: str, card: Mapping[str, Any], lang: str) -> None:
    """The gate's section of a model page says who was compared, each model's share and mean
    place with the language's decimal sign, the verdict and the rule, without a code."""
    lists, gates = card["kinds"]["vacancy"]["trade_first_lists"], card["gates"]
    text = _text(html)
    if lang != "en":  # no code, no English word in a Kazakh or Russian page
        assert shown_codes(typed(html)) == set(), shown_codes(typed(html))
    assert "admin_" not in text
    assert web("admin_trade_title", lang) in text
    said = web("admin_trade_lists", lang, size=lists["size"], reachable=lists["reachable"],
               persons=lists["persons"], beyond=lists["size"] + 1)  # fmt: skip
    assert said in text
    assert _verdict(card, lang) in text
    rule = web("admin_trade_rule", lang, slack=2, band=80, needed=gates["exact_trade_min_lists"])
    assert rule in text
    if not lists["reachable"]:
        assert 'id="trade-1"' not in html
        return
    assert web("admin_trade_col_share", lang, top=gates["exact_trade_top"]) in text
    table = html.split('id="trade-1"', 1)[1].split("</table>", 1)[0]
    for name in ("challenger", "champion", "baseline"):
        row = table.split(f">{web(f'admin_trade_{name}', lang)}", 1)[1].split("</tr>", 1)[0]
        assert f"<td>{_share(lists[name]['top_share'], lang)}</td>" in row, name
        assert f"<td>{_place(lists[name]['best_rank'], lang)}</td>" in row, name
    assert card["champion"] in table  # the model in force then, by its version


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_model_page_shows_the_trade_first_gate_of_a_retraining(
    site: Site, retrained: ModelCard, lang: str
) -> None:
    lists = retrained["kinds"]["vacancy"]["trade_first_lists"]
    assert 0 < lists["reachable"] <= lists["persons"]
    admin = logged_in(site, "admin", lang)
    version = admin.get(f"/admin/model/versions/{retrained['version']}")
    assert version.status_code == 200
    _shows_the_gate(version.text, retrained, lang)
    in_force = admin.get("/admin/model")
    assert in_force.status_code == 200
    if retrained["kinds"]["vacancy"]["promoted"]:  # the version in force is this one
        _shows_the_gate(in_force.text, retrained, lang)
    else:  # the baseline serves on: it has no gate to show
        assert web("admin_trade_title", lang) not in in_force.text


def _with_gate(**lists: Any) -> dict[str, Any]:
    """``CARD`` with the gate's figures and settings as a retraining writes them."""
    entry = {**CARD["kinds"]["vacancy"], "refused": []}
    entry["trade_first_lists"] = {"persons": 40, "reachable": 35, "size": 10, **lists}
    entry["trade_first"] = {
        name: {"persons": 20, "top_share": 1.0, "best_rank": 1.0}
        for name in ("challenger", "champion", "baseline")
    }
    gates = {"exact_trade_top": 3, "exact_trade_slack": 0.02, "exact_trade_fit": 0.6,
             "exact_trade_band": 0.8, "exact_trade_lists": 10, "exact_trade_sample": 300,
             "exact_trade_min_lists": 30}  # fmt: skip
    return {**CARD, "champion": "learned-20261201-000000-000", "gates": gates,
            "kinds": {"vacancy": entry}}  # fmt: skip


DOWN = {
    "challenger": {"top_share": 0.6286, "best_rank": 4.514},
    "champion": {"top_share": 1.0, "best_rank": 1.2},
    "baseline": {"top_share": 0.9714, "best_rank": 1.4},
}
KEPT = {**DOWN, "challenger": {"top_share": 0.9857, "best_rank": 1.25}}
REFUSED = _with_gate(**DOWN)
REFUSED["kinds"]["vacancy"]["refused"] = [
    {"code": "exact_trade_down", "persons": 35, "top": 3, "challenger": 63, "reference": 100}
]
GATED = {  # each verdict the gate can reach, as a card records it
    "learned-20270102-000000-000": REFUSED,
    "learned-20270103-000000-000": _with_gate(**KEPT),
    "learned-20270104-000000-000": _with_gate(reachable=12, **DOWN),
    "learned-20270105-000000-000": _with_gate(reachable=0),
}


@pytest.fixture(scope="module")
def gated(site: Site) -> dict[str, dict[str, Any]]:
    from service.store.tables import ModelVersion

    with site.rt.writing() as session:
        for version, card in GATED.items():
            if session.get(ModelVersion, version) is None:
                stored = {**card, "version": version}
                session.add(ModelVersion(version=version, kind="learned", card=stored))
        session.commit()
    return {version: {**card, "version": version} for version, card in GATED.items()}


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_each_verdict_of_the_gate_is_said(
    site: Site, gated: dict[str, dict[str, Any]], lang: str
) -> None:
    admin = logged_in(site, "admin", lang)
    verdicts = set()
    for version, card in gated.items():
        answer = admin.get(f"/admin/model/versions/{version}")
        assert answer.status_code == 200
        _shows_the_gate(answer.text, card, lang)
        verdicts.add(_verdict(card, lang))
    assert len(verdicts) == 4
    refused = _text(admin.get("/admin/model/versions/learned-20270102-000000-000").text)
    assert ("62.9%" if lang == "en" else "62,9 %") in refused  # the challenger's share
    assert modelstore.reason_text(REFUSED["kinds"]["vacancy"]["refused"][0], lang) in refused
    # the held-out referrals' shares, beside for comparison
    referrals = web("admin_trade_referrals", lang, top=3, persons=20, challenger=_share(1, lang),
                    champion=_share(1, lang), baseline=_share(1, lang))  # fmt: skip
    assert referrals in refused


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_card_made_before_the_gate_renders_as_before(site: Site, learned: str, lang: str) -> None:
    assert "trade_first_lists" not in CARD["kinds"]["vacancy"]
    answer = logged_in(site, "admin", lang).get(f"/admin/model/versions/{learned}")
    assert answer.status_code == 200
    assert web("admin_trade_title", lang) not in answer.text
    assert answer.text.count("<svg") == 2
    assert messages("service").text("group_f", lang) in answer.text
    assert shown_codes(typed(answer.text)) == set()


@pytest.mark.browser
@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_model_page_with_the_gate_passes_axe(
    page: Any, site: Site, retrained: ModelCard, lang: str
) -> None:
    log_in(page, site, "admin", lang)
    # the retrained version's own page: it shows the gate whether the version was promoted
    # or refused (in a world this small, a few held-out successes decide which)
    answer = page.goto(site.base + f"/admin/model/versions/{retrained['version']}")
    assert answer.status == 200
    table = page.get_by_role("table", name=web("admin_trade_caption", lang))
    assert table.count() == 1
    checked(page)
    shot(page, f"admin-model-trade-{lang}.png")
