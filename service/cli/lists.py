"""``matcher recommend``, ``candidates`` and ``why``: a person's shortlist, a vacancy's
candidates and why an item is, or is not, on a list."""

from __future__ import annotations

from typing import Annotated

import typer

from catalogs.i18n import decimal
from matcher.rank import shown
from service.cli.app import (
    AsOfOption,
    JsonOption,
    KindOption,
    LimitOption,
    NoRecordOption,
    answered,
    command,
    day,
    echo_json,
    label,
    runtime,
    text,
)


def recommend(
    ctx: typer.Context,
    person_id: Annotated[str, typer.Argument(help="The person's id.")],
    kind: KindOption = "vacancy",
    limit: LimitOption = 10,
    as_json: JsonOption = False,
    as_of: AsOfOption = None,
    no_record: NoRecordOption = False,
) -> None:
    """A person's shortlist of vacancies, courses or shelters, best first: each item with
    what an officer acts on (who offers it, where, money, schedule, dates, free places,
    contact) and the reasons; the same job at the same employer once, with its other ids."""
    from service.usecases import offers, shortlists

    rt = runtime(ctx)
    lang = rt.settings.lang
    with answered(lang):
        found = shortlists.person_shortlist(
            rt,
            command("recommend"),
            person_id=person_id,
            kind=kind,
            limit=limit,
            today=day(as_of, lang),
            record=not no_record,
        )
    facts = offers.facts(rt, found, lang)
    notices = [notice.as_dict(lang) for notice in found.notices]
    if as_json:
        items = zip(found.items, facts, strict=True)
        listed: dict[str, object] = {
            "items": [offers.item_dict(item, fact, lang) for item, fact in items]
        }
        if notices:
            listed["notices"] = notices
        echo_json(listed)
        return
    for notice in notices:
        typer.echo(f"! {notice['text']}")
        for suggestion in notice["suggestions"]:  # type: ignore[attr-defined]
            codes = " · ".join(c for c in (suggestion["code"], suggestion["nkz"]) if c)
            typer.echo(f"    {codes} — {suggestion['title']}")
    typer.echo(text(f"list_{kind}", lang, id=person_id, count=len(found.items)))
    ranker = found.engine.rankers[kind]
    if shown.is_chance(ranker):  # what the per cent beside each id is
        typer.echo(f"     % — {shown.label(ranker, kind, lang)}")
    else:  # what the fit beside each id is
        typer.echo(f"     {shown.legend(lang)}")
    for number, (item, fact) in enumerate(zip(found.items, facts, strict=True), start=1):
        score = shown.value(ranker, item.score, lang)
        name = label(found.engine.item(kind, item.id))  # the title with its NKZ and ISCO codes
        typer.echo(f"{number:>3}. {item.id}  {score}  {name}")
        for name, value in fact.rows(lang):
            typer.echo(f"       {name}: {value}")
        for reason in item.reasons:
            typer.echo(f"       • {reason.text(lang)}")


def candidates(
    ctx: typer.Context,
    vacancy_id: Annotated[str, typer.Argument(help="The vacancy's id.")],
    limit: LimitOption = 20,
    as_json: JsonOption = False,
    as_of: AsOfOption = None,
    no_record: NoRecordOption = False,
) -> None:
    """The persons who fit a vacancy best (eligible ones only), with reasons."""
    from service.usecases import shortlists

    rt = runtime(ctx)
    lang = rt.settings.lang
    with answered(lang):
        found = shortlists.vacancy_candidates(
            rt,
            command("candidates"),
            vacancy_id=vacancy_id,
            limit=limit,
            today=day(as_of, lang),
            record=not no_record,
        )
    items = [item for item, _ in found.items]
    if as_json:
        echo_json({"items": [item.as_dict(lang) for item in items]})
        return
    job = label(found.engine.item("vacancy", vacancy_id))
    typer.echo(text("list_candidates", lang, id=vacancy_id, title=job, count=len(items)))
    ranker = found.engine.rankers["candidate"]
    for number, item in enumerate(items, start=1):
        typer.echo(f"{number:>3}. {item.id}  {shown.value(ranker, item.score, lang)}")
        for reason in item.reasons:
            typer.echo(f"       • {reason.text(lang)}")


def why(
    ctx: typer.Context,
    person_id: Annotated[str, typer.Argument(help="The person's id.")],
    kind: Annotated[str, typer.Argument(help="vacancy, course or shelter")],
    item_id: Annotated[str, typer.Argument(help="The item's id.")],
    as_json: JsonOption = False,
    as_of: AsOfOption = None,
) -> None:
    """Why an item is, or is not, on a person's list: rules, features, score, rank."""
    from catalogs.i18n import messages
    from service.usecases import shortlists

    rt = runtime(ctx)
    lang = rt.settings.lang
    with answered(lang):
        found = shortlists.why(
            rt,
            command("why"),
            person_id=person_id,
            kind=kind,
            item_id=item_id,
            today=day(as_of, lang),
        )
    result, engine = found.why, found.engine
    engine_text = messages("matcher")
    if as_json:
        echo_json(
            {
                "person_id": person_id,
                "kind": kind,
                "item_id": item_id,
                "eligible": result.eligible,
                "verdicts": [
                    {"code": v.code, "text": engine_text.text(v.code, lang, **v.params)}
                    for v in result.verdicts
                ],
                "score": round(result.score, 4),
                "rank": result.rank,
                "features": {
                    name: {
                        "value": round(value, 4),
                        "contribution": round(result.contributions[name], 4),
                    }
                    for name, value in result.features.items()
                },
                "reasons": [reason.as_dict(lang) for reason in result.reasons],
            }
        )
        return
    typer.echo(f"{person_id} · {item_id} · {label(engine.item(kind, item_id))}")
    if result.eligible:
        typer.echo(engine_text.text("eligible", lang))
    else:
        typer.echo(engine_text.text("excluded", lang) + ":")
        for verdict in result.verdicts:
            typer.echo(f"  ✗ {engine_text.text(verdict.code, lang, **verdict.params)}")
    rank = (
        str(result.rank)
        if result.rank is not None
        else engine_text.text(
            "not_in_list", lang, limit=len(engine.recommend(found.person, kind, limit=200))
        )
    )
    ranker = engine.rankers[kind]
    score, place = shown.label(ranker, kind, lang), engine_text.text("rank", lang)
    typer.echo(f"{score}: {shown.value(ranker, result.score, lang)} · {place}: {rank}")
    for name, value in result.features.items():
        feature = engine_text.text(f"feature_{name}", lang)
        part = shown.share(ranker, result.contributions[name], lang)
        figure = decimal(value, lang, 2).rjust(5)
        typer.echo(f"  {feature:<28} {figure} → {part}")
    for reason in result.reasons:
        typer.echo(f"  • {reason.text(lang)}")


def register(app: typer.Typer) -> None:
    app.command()(recommend)
    app.command()(candidates)
    app.command()(why)
