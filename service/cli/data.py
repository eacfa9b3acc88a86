"""``matcher import``, ``stats``, ``demo`` and ``simulate``: data in, counts out."""

from __future__ import annotations

import errno
import sys
import textwrap
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from catalogs.i18n import decimal
from service.cli.app import (
    JsonOption,
    command,
    database,
    day,
    echo_json,
    exit_code,
    problem_text,
    runtime,
    text,
)

if TYPE_CHECKING:
    from simulator.play import SimulationReport


def import_command(
    ctx: typer.Context,
    kind: Annotated[
        str, typer.Argument(help="employers, vacancies, courses, shelters, persons or outcomes")
    ],
    file: Annotated[Path, typer.Argument(help="CSV (header row) or JSON array; - reads stdin")],
    fmt: Annotated[
        str | None, typer.Option("--format", help="csv or json (default: from the name)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    check: Annotated[
        bool, typer.Option("--check", help="Validate only: report, write nothing.")
    ] = False,
) -> None:
    """Import a file: all rows or none. Every bad row is listed with its line and column."""
    from catalogs.kinds import KINDS
    from catalogs.loader import Format, detect_format
    from service.usecases import data
    from service.usecases.errors import Problem

    rt = runtime(ctx)
    lang = rt.settings.lang
    if kind not in KINDS:
        typer.echo(text("unknown_kind", lang, kind=kind, kinds=", ".join(KINDS)), err=True)
        raise typer.Exit(2)
    if fmt not in (None, "csv", "json"):
        typer.echo(text("unknown_format", lang, format=fmt), err=True)
        raise typer.Exit(2)
    try:
        stream = sys.stdin.buffer if str(file) == "-" else file.open("rb")
    except OSError as error:
        named = errno.errorcode.get(error.errno or 0, "")
        reason = named if named in ("ENOENT", "EACCES", "EISDIR") else error.strerror
        typer.echo(text("cannot_open", lang, file=file, reason=reason), err=True)
        raise typer.Exit(2) from None
    started = time.perf_counter()
    with stream:
        head = stream.peek(64) if hasattr(stream, "peek") else b""
        chosen: Format = (
            "json"
            if fmt == "json"
            else "csv"
            if fmt == "csv"
            else detect_format(None if str(file) == "-" else file.name, head)
        )
        try:
            report = data.import_stream(
                rt,
                command("import"),
                kind=kind,
                stream=stream,
                fmt=chosen,
                dry_run=check,
                progress=lambda so_far: typer.echo(
                    text("import_progress", lang, rows=so_far.rows, bad=len(so_far.errors)),
                    err=True,
                ),
            )
        except Problem as problem:
            if as_json:
                rows = problem.params.get("rows", 0)
                echo_json(
                    {"kind": kind, "ok": False, "dry_run": check, "rows": rows, "inserted": 0,
                     "updated": 0, "errors": problem.details_in(lang)}
                )  # fmt: skip
            else:
                for row in problem.bad_rows:
                    typer.echo(row.message(lang), err=True)
                if problem.code == "import_rejected":
                    named = text(f"import_kind_{kind}", lang)
                    typer.echo(
                        text("import_rejected", lang, kind=named, **problem.params), err=True
                    )
                else:
                    typer.echo(problem_text(problem, lang), err=True)
            raise typer.Exit(exit_code(problem)) from None
    elapsed = time.perf_counter() - started
    if as_json:
        echo_json({**report.as_dict(lang), "seconds": round(elapsed, 3)})
        return
    typer.echo(
        text(
            "checked" if check else "imported",
            lang,
            kind=text(f"import_kind_{kind}", lang),
            rows=report.rows,
            inserted=report.inserted,
            updated=report.updated,
            seconds=one_decimal(elapsed, lang),
        )
    )


def stats(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Counts of persons, vacancies, quota slots, courses, free beds, outcome events."""
    from service.store import stats as counting

    rt = runtime(ctx)
    with rt.session() as session:
        counts = counting.collect(session)
    if as_json:
        echo_json(counts.as_dict())
        return
    lang = rt.settings.lang
    typer.echo(text("database", lang, where=database(rt)))
    for name, value in counts.as_dict().items():
        shown = text("none", lang) if value is None else value
        typer.echo(f"  {text('stat_' + name, lang):<44} {shown}")
    typer.echo("\n".join(textwrap.wrap(text("quota_slots_definition", lang), 96)))


def demo(
    ctx: typer.Context,
    seed: Annotated[int, typer.Option(help="Seed of the generator: same seed, same data.")] = 0,
    vacancies: Annotated[int, typer.Option(min=1, help="Number of vacancies.")] = 6000,
    courses: Annotated[int, typer.Option(min=1, help="Number of courses.")] = 360,
    persons: Annotated[int, typer.Option(min=1, help="Number of persons.")] = 1500,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Reference date YYYY-MM-DD (default today).")
    ] = None,
    fresh: Annotated[
        bool, typer.Option("--fresh", help="Delete existing catalogs, persons and events first.")
    ] = False,
    history: Annotated[
        int,
        typer.Option(
            "--history",
            min=0,
            help="Then simulate this many days of referrals and outcomes, and retrain on them.",
        ),
    ] = 0,
) -> None:
    """Fill the database with realistic, synthetic demo data (all regions); with --history,
    add simulated outcomes and a ranker learned from them."""
    from catalogs.demo import DemoSpec
    from service.store import demo as demo_module

    rt = runtime(ctx)
    lang = rt.settings.lang
    reference = day(as_of, lang) or date.today()
    spec = DemoSpec(
        seed=seed, as_of=reference, vacancies=vacancies, courses=courses, persons=persons
    )
    typer.echo(text("demo_start", lang, where=database(rt), seed=seed))
    started = time.perf_counter()

    def progress(kind: str, report: Any) -> None:
        what = text(f"demo_rows_{kind}", lang, rows=report.rows)
        seconds = one_decimal(time.perf_counter() - started, lang)
        typer.echo(text("demo_progress", lang, what=what, seconds=seconds))

    with rt.session() as session:
        demo_module.build(session, spec, protector=rt.protector, fresh=fresh, progress=progress)
    seconds = one_decimal(time.perf_counter() - started, lang)
    typer.echo(text("demo_done", lang, where=database(rt), seconds=seconds))
    if history:
        from service.cli.app import answered
        from service.usecases import model

        # the history ends on the demo's own day, even when the clock passes midnight meanwhile
        ctx.invoke(simulate, ctx, days=history, seed=seed, as_of=reference.isoformat())
        with answered(lang):
            outcome = model.retrain(rt, command("demo"), today=reference)
        key = "retrain_promoted" if outcome.promoted else "retrain_refused"
        typer.echo(text(key, lang, version=outcome.version, active=outcome.active))


def simulate(
    ctx: typer.Context,
    days: Annotated[int, typer.Option("--days", help="How many days to play, up to --as-of.")],
    seed: Annotated[
        int, typer.Option(help="Seed of the hidden world: same seed, same events.")
    ] = 0,
    sessions_per_day: Annotated[
        int | None,
        typer.Option(
            "--sessions-per-day", min=1, help="Officer sessions a day (default persons/40)."
        ),
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Last simulated day, YYYY-MM-DD (default today).")
    ] = None,
    prefilter: Annotated[
        int | None,
        typer.Option("--prefilter", min=10, help="Items scored exactly per list (faster runs)."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Play officers, persons and employers over the demo: simulated outcome events."""
    from service.store.stats import collect
    from simulator import play as simulation

    rt = runtime(ctx)
    lang = rt.settings.lang
    if days < 1:
        typer.echo(text("simulate_bad_days", lang), err=True)
        raise typer.Exit(2)
    today = day(as_of, lang) or date.today()

    def progress(when: date, report: SimulationReport) -> None:
        if not as_json and days > 31:
            typer.echo(
                text("simulate_progress", lang, day=when, sessions=report.sessions,
                     events=report.total_events, seconds=one_decimal(report.seconds, lang)),
                err=True,
            )  # fmt: skip

    with rt.session() as session:
        per_day = sessions_per_day or max(
            1, round(collect(session).persons / simulation.PERSONS_PER_SESSION)
        )
        if not as_json:
            typer.echo(
                text("simulate_start", lang, seed=seed, days=days, end=today, sessions=per_day,
                     where=database(rt))
            )  # fmt: skip
        report = simulation.simulate(
            session,
            days=days,
            seed=seed,
            today=today,
            sessions_per_day=per_day,
            protector=rt.protector,
            prefilter=prefilter,
            progress=progress,
        )
    if as_json:
        echo_json(report.as_dict())
        return
    figures = report.as_dict()
    typer.echo(
        text(
            "simulate_done",
            lang,
            seconds=one_decimal(report.seconds, lang),
            sessions=report.sessions,
            referrals=sum(report.referrals.values()),
            events=report.total_events,
            rate=figures["events_per_second"],
            hires=report.hires,
            retained=report.retained,
        )
    )
    for kind, counts in figures["events"].items():
        shown = ", ".join(
            f"{text(f'outcome_event_{event}', lang)}: {count}" for event, count in counts.items()
        )
        typer.echo(text("simulate_kind", lang, kind=text(f"kind_{kind}", lang), counts=shown))
    hidden = figures["hidden"]
    typer.echo(
        text("simulate_hidden", lang, top3=percent(hidden["true_success_top3"], lang),
             rest=percent(hidden["true_success_rest"], lang))
    )  # fmt: skip


def one_decimal(value: float, lang: str) -> str:
    """A number to one decimal place (seconds, a percentage) as each language writes it:
    0,8 in Russian and Kazakh, 0.8 in English."""
    return decimal(value, lang, 1)


def percent(share: float | None, lang: str) -> str:
    """A share as a percentage to one decimal place (12,5 % in Russian and Kazakh, 12.5 % in
    English), or a dash when there is none."""
    return "—" if share is None else f"{one_decimal(share * 100, lang)} %"


def register(app: typer.Typer) -> None:
    app.command("import")(import_command)
    app.command()(stats)
    app.command()(demo)
    app.command()(simulate)
