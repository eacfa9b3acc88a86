"""``matcher allocate``: share quota slots, course seats and beds across a release cohort."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from catalogs.i18n import decimal
from service.cli.app import AsOfOption, JsonOption, answered, command, day, echo_json, runtime, text


def allocate(
    ctx: typer.Context,
    kato: Annotated[str, typer.Option("--kato", help="KATO code of the region.")],
    release_from: Annotated[
        str, typer.Option("--release-from", help="First release day, YYYY-MM-DD.")
    ],
    release_to: Annotated[str, typer.Option("--release-to", help="Last release day, YYYY-MM-DD.")],
    as_json: JsonOption = False,
    as_of: AsOfOption = None,
) -> None:
    """Share quota slots, course seats and shelter beds across a cohort (a proposal)."""
    from catalogs.reference.places import places
    from service.usecases import allocation

    rt = runtime(ctx)
    lang = rt.settings.lang
    start = day(release_from, lang) or date.today()
    end = day(release_to, lang) or date.today()
    today = day(as_of, lang)
    with answered(lang):
        result, count = allocation.run(
            rt,
            command("allocate"),
            kato=kato,
            release_from=start,
            release_to=end,
            today=today,
        )
    if as_json:
        echo_json(result.as_dict(lang))
        return
    region = places().get(kato)
    name = region.name(lang) if region is not None else kato
    typer.echo(text("allocate_header", lang, region=name, count=count, start=start, end=end))
    for entry in result.assignments:
        item = entry.item_id or "—"
        reason = entry.reasons[0].text(lang) if entry.reasons else ""
        kind = text("allocate_item_kind", lang, kind=entry.kind)
        expected = decimal(entry.expected, lang, 3)
        typer.echo(f"  {entry.person_id:<10} {kind:<17} {item:<12} {expected}  {reason}")
    for kind, figures in result.summary["kinds"].items():  # type: ignore[attr-defined]
        ratio = figures["ratio_to_greedy"]
        typer.echo(
            text(
                "allocate_summary",
                lang,
                kind=kind,
                assigned=figures["assigned"],
                wanting=figures["persons_wanting"],
                ratio=None if ratio is None else decimal(ratio, lang),
                violations=figures["capacity_violations"],
            )
        )


def register(app: typer.Typer) -> None:
    app.command()(allocate)
