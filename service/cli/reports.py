"""``matcher report quota``: the quota ledger as a table, CSV, JSON or a chart."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from service.cli.app import answered, command, day, echo_json, runtime, text


def quota(
    ctx: typer.Context,
    kato: Annotated[
        str | None, typer.Option("--kato", help="Region, district or place code (default: all).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV, one line per row.")] = False,
    dialect: Annotated[
        str,
        typer.Option(
            "--dialect",
            help="With --csv: excel (BOM, ';', decimal comma, 30.06.2026: for a Kazakh or "
            "Russian Excel) or rfc4180 (',', decimal point, ISO days, machine headers).",
        ),
    ] = "excel",
    chart: Annotated[
        Path | None,
        typer.Option(
            "--chart",
            help="Also draw fulfilment in % (PNG): by region, or by district for a region.",
        ),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Day of the report, YYYY-MM-DD (default today).")
    ] = None,
    top: Annotated[int, typer.Option("--top", min=0, help="Employers shown per district.")] = 5,
) -> None:
    """The quota ledger: slots, referrals, hires and 3-month contracts by region, district and
    employer, offer windows, and outcomes of released persons (docs/reports.md)."""
    from service.reports import render as rendering
    from service.usecases import reports

    rt = runtime(ctx)
    lang = rt.settings.lang
    if as_json and as_csv:
        typer.echo(text("report_bad_format", lang), err=True)
        raise typer.Exit(2)
    if dialect not in rendering.DIALECTS:
        typer.echo(text("report_bad_dialect", lang, dialect=dialect), err=True)
        raise typer.Exit(2)
    today = day(as_of, lang)
    actor = command("report quota")
    with answered(lang):
        ledger = reports.ledger(rt, actor, kato=kato, as_of=today)
    if as_json:
        echo_json(ledger.as_dict(lang))
    elif as_csv:
        chosen: rendering.Dialect = "rfc4180" if dialect == "rfc4180" else "excel"
        typer.echo(rendering.to_csv(ledger, lang, chosen), nl=False)
    else:
        for line in rendering.table_lines(ledger, lang, top=top):
            typer.echo(line)
    if chart is not None:
        with answered(lang):
            png = reports.chart(rt, actor, kato=kato, as_of=today, lang=lang)
        chart.write_bytes(png)
        typer.echo(text("report_chart_written", lang, file=chart), err=as_json or as_csv)


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="Reports: the quota ledger.", no_args_is_help=True)
    group.command("quota")(quota)
    app.add_typer(group, name="report")
