"""The ``matcher`` command. Each command parses its options, calls one function of the
service and prints the result (``--json`` for machines)."""

from __future__ import annotations

import json
import sys
import time
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer
from pydantic import ValidationError

from catalogs.i18n import messages
from catalogs.kinds import KINDS
from catalogs.loader import FileFormatError, Format, detect_format
from service.config import Settings
from service.runtime import Runtime
from service.store import stats as stats_module

if TYPE_CHECKING:
    from collections.abc import Sequence

    from matcher.engine import Engine, Recommendation
    from matcher.profile import Person

app = typer.Typer(
    name="matcher",
    help="Jobs, courses and shelters for people leaving prison or on probation in Kazakhstan.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _text(code: str, lang: str, **params: object) -> str:
    return messages("service").text(code, lang, **params)


def _runtime(ctx: typer.Context) -> Runtime:
    runtime: Runtime = ctx.obj
    return runtime


def _echo_json(payload: Any) -> None:
    typer.echo(json.dumps(payload, ensure_ascii=False, indent=2, default=str))


@app.callback()
def main(
    ctx: typer.Context,
    lang: Annotated[
        str | None, typer.Option("--lang", help="Language of messages: ru, kk or en.")
    ] = None,
) -> None:
    """Runs on the embedded SQLite database unless DATABASE_URL names another."""
    if ctx.obj is None:
        try:
            settings = Settings() if lang is None else Settings(lang=lang)
        except ValidationError as error:
            typer.echo(f"matcher: {error.errors()[0]['msg']}", err=True)
            raise typer.Exit(2) from None
        ctx.obj = Runtime.from_settings(settings)
    elif lang is not None:
        ctx.obj.settings = ctx.obj.settings.model_copy(update={"lang": lang})
    if ctx.obj.settings.lang not in ("ru", "kk", "en"):
        raise typer.BadParameter("ru, kk or en", param_hint="--lang")


@app.command("import")
def import_command(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help="vacancies, courses, shelters, persons or outcomes")],
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
    from service.store.imports import import_file

    runtime = _runtime(ctx)
    lang = runtime.settings.lang
    if kind not in KINDS:
        typer.echo(_text("unknown_kind", lang, kind=kind, kinds=", ".join(KINDS)), err=True)
        raise typer.Exit(2)
    if fmt not in (None, "csv", "json"):
        typer.echo(_text("unknown_format", lang, format=fmt), err=True)
        raise typer.Exit(2)
    try:
        stream = sys.stdin.buffer if str(file) == "-" else file.open("rb")
    except OSError as error:
        typer.echo(_text("cannot_open", lang, file=file, reason=error.strerror), err=True)
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
            with runtime.session() as session:
                report = import_file(
                    session,
                    kind,
                    stream,
                    fmt=chosen,
                    protector=runtime.protector,
                    dry_run=check,
                    progress=lambda so_far: typer.echo(
                        _text("import_progress", lang, rows=so_far.rows, bad=len(so_far.errors)),
                        err=True,
                    ),
                )
        except FileFormatError as error:
            if as_json:
                _echo_json({"kind": kind, "ok": False, "errors": [error.error.as_dict(lang)]})
            else:
                typer.echo(error.error.message(lang), err=True)
            raise typer.Exit(1) from None
    elapsed = time.perf_counter() - started
    if as_json:
        _echo_json({**report.as_dict(lang), "seconds": round(elapsed, 3)})
    elif report.ok:
        typer.echo(
            _text(
                "checked" if check else "imported",
                lang,
                kind=kind,
                rows=report.rows,
                inserted=report.inserted,
                updated=report.updated,
                seconds=f"{elapsed:.1f}",
            )
        )
    else:
        for row_error in report.errors:
            typer.echo(row_error.message(lang), err=True)
        typer.echo(
            _text("import_rejected", lang, kind=kind, bad=len(report.errors), rows=report.rows),
            err=True,
        )
    if not report.ok:
        raise typer.Exit(1)


@app.command()
def stats(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
) -> None:
    """Counts of persons, vacancies, quota slots, courses, free beds, outcome events."""
    runtime = _runtime(ctx)
    with runtime.session() as session:
        counts = stats_module.collect(session)
    if as_json:
        _echo_json(counts.as_dict())
        return
    lang = runtime.settings.lang
    typer.echo(_text("database", lang, where=runtime.where))
    for name, value in counts.as_dict().items():
        shown = _text("none", lang) if value is None else value
        typer.echo(f"  {_text('stat_' + name, lang):<44} {shown}")


report_app = typer.Typer(help="Reports: the quota ledger.", no_args_is_help=True)
app.add_typer(report_app, name="report")


@report_app.command("quota")
def report_quota(
    ctx: typer.Context,
    kato: Annotated[
        str | None, typer.Option("--kato", help="Region, district or place code (default: all).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="Print CSV, one line per row.")] = False,
    chart: Annotated[
        Path | None, typer.Option("--chart", help="Also draw fulfilment by district (PNG).")
    ] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="ru, kk or en.")] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Day of the report, YYYY-MM-DD (default today).")
    ] = None,
    top: Annotated[int, typer.Option("--top", min=0, help="Employers shown per district.")] = 5,
) -> None:
    """The quota ledger: slots, referrals, hires and 3-month contracts by region, district and
    employer, offer windows, and outcomes of released persons (docs/reports.md)."""
    from service.reports import quota as reports

    runtime = _runtime(ctx)
    lang = lang or runtime.settings.lang
    if lang not in ("ru", "kk", "en"):
        raise typer.BadParameter("ru, kk or en", param_hint="--lang")
    if as_json and as_csv:
        typer.echo(_text("report_bad_format", lang), err=True)
        raise typer.Exit(2)
    today = _today(as_of, lang)
    with runtime.session() as session:
        try:
            ledger = reports.quota_ledger(session, kato=kato, today=today)
        except reports.UnknownArea:
            typer.echo(_text("report_bad_kato", lang, kato=kato), err=True)
            raise typer.Exit(2) from None
    if as_json:
        _echo_json(ledger.as_dict(lang))
    elif as_csv:
        typer.echo(reports.to_csv(ledger, lang), nl=False)
    else:
        for line in reports.table_lines(ledger, lang, top=top):
            typer.echo(line)
    if chart is not None:
        chart.write_bytes(reports.chart_png(ledger, lang))
        typer.echo(_text("report_chart_written", lang, file=chart), err=as_json or as_csv)


@app.command()
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

    runtime = _runtime(ctx)
    lang = runtime.settings.lang
    reference = _today(as_of, lang)
    spec = DemoSpec(
        seed=seed, as_of=reference, vacancies=vacancies, courses=courses, persons=persons
    )
    typer.echo(_text("demo_start", lang, where=runtime.where, seed=seed))
    started = time.perf_counter()

    def progress(kind: str, report: Any) -> None:
        typer.echo(
            _text(
                "demo_progress",
                lang,
                kind=kind,
                rows=report.rows,
                seconds=f"{time.perf_counter() - started:.1f}",
            )
        )

    with runtime.session() as session:
        demo_module.build(
            session, spec, protector=runtime.protector, fresh=fresh, progress=progress
        )
    typer.echo(
        _text(
            "demo_done", lang, where=runtime.where, seconds=f"{time.perf_counter() - started:.1f}"
        )
    )
    if history:
        from service.training import retrain as retraining

        ctx.invoke(simulate, ctx, days=history, seed=seed, as_of=as_of)
        with runtime.session() as session:
            outcome = retraining.retrain(
                session, protector=runtime.protector, home=runtime.settings.home, today=reference
            )
            session.commit()
        key = "retrain_promoted" if outcome.promoted else "retrain_refused"
        typer.echo(_text(key, lang, version=outcome.version, active=outcome.active))


@app.command()
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

    runtime = _runtime(ctx)
    lang = runtime.settings.lang
    if days < 1:
        typer.echo(_text("simulate_bad_days", lang), err=True)
        raise typer.Exit(2)
    today = _today(as_of, lang)

    def progress(day: date, report: simulation.SimulationReport) -> None:
        if not as_json and days > 31:
            typer.echo(
                _text(
                    "simulate_progress",
                    lang,
                    day=day,
                    sessions=report.sessions,
                    events=report.total_events,
                    seconds=f"{report.seconds:.1f}",
                ),
                err=True,
            )

    with runtime.session() as session:
        per_day = sessions_per_day or max(
            1, round(collect(session).persons / simulation.PERSONS_PER_SESSION)
        )
        if not as_json:
            typer.echo(
                _text(
                    "simulate_start",
                    lang,
                    seed=seed,
                    days=days,
                    end=today,
                    sessions=per_day,
                    where=runtime.where,
                )
            )
        report = simulation.simulate(
            session,
            days=days,
            seed=seed,
            today=today,
            sessions_per_day=per_day,
            protector=runtime.protector,
            prefilter=prefilter,
            progress=progress,
        )
    if as_json:
        _echo_json(report.as_dict())
        return
    figures = report.as_dict()
    typer.echo(
        _text(
            "simulate_done",
            lang,
            seconds=f"{report.seconds:.1f}",
            sessions=report.sessions,
            referrals=sum(report.referrals.values()),
            events=report.total_events,
            rate=figures["events_per_second"],
            hires=report.hires,
            retained=report.retained,
        )
    )
    for kind, counts in figures["events"].items():
        shown = ", ".join(f"{event} {count}" for event, count in counts.items())
        typer.echo(_text("simulate_kind", lang, kind=kind, counts=shown))
    hidden = figures["hidden"]
    typer.echo(
        _text(
            "simulate_hidden",
            lang,
            top3=hidden["true_success_top3"],
            rest=hidden["true_success_rest"],
        )
    )


def run() -> None:
    """The console entry point: ``matcher``. Database and file-system failures become a
    one-line message and exit status 3 instead of a traceback."""
    import sqlalchemy as sa

    try:
        app(standalone_mode=True)
    except sa.exc.OperationalError as error:
        detail = str(error.orig or error).strip().splitlines()[0]
        typer.echo(_text("database_unavailable", _lang_from_env(), detail=detail), err=True)
        raise SystemExit(3) from None
    except OSError as error:
        reason = error.strerror or str(error)
        typer.echo(
            _text("os_error", _lang_from_env(), file=error.filename, reason=reason), err=True
        )
        raise SystemExit(3) from None


def _lang_from_env() -> str:
    """The language of messages when the settings could not be built (best effort)."""
    import os

    lang = os.environ.get("MATCHER_LANG", "ru")
    if "--lang" in sys.argv[:-1]:
        lang = sys.argv[sys.argv.index("--lang") + 1]
    return lang if lang in ("ru", "kk", "en") else "ru"


def _today(value: str | None, lang: str) -> date:
    try:
        return date.fromisoformat(value) if value else date.today()
    except ValueError:
        typer.echo(_text("bad_as_of", lang, value=value), err=True)
        raise typer.Exit(2) from None


def _label(item: object) -> str:
    """How an item is named in a list: a job with its employer, a course with its provider."""
    from matcher.profile import Course, Vacancy

    if isinstance(item, Vacancy):
        return f"{item.title} — {item.employer_name}" if item.employer_name else item.title
    if isinstance(item, Course):
        return f"{item.title} — {item.provider}" if item.provider else item.title
    return str(getattr(item, "name", ""))


def _person_and_engine(
    runtime: Runtime, person_id: str, kind: str, as_of: str | None
) -> tuple[Person, Engine]:
    """The person and an engine over the database as of ``as_of``, or a clear exit."""
    from matcher.engine import KINDS
    from service.store import rows as glue

    lang = runtime.settings.lang
    if kind not in KINDS:
        typer.echo(_text("unknown_list_kind", lang, kind=kind), err=True)
        raise typer.Exit(2)
    today = _today(as_of, lang)
    with runtime.session() as session:
        try:
            person = glue.load_person(session, person_id, protector=runtime.protector)
        except glue.NotFound:
            typer.echo(_text("unknown_person_id", lang, id=person_id), err=True)
            raise typer.Exit(1) from None
        return person, glue.load_engine(session, today=today)


KindOption = Annotated[str, typer.Option("--kind", help="vacancy, course or shelter")]
LimitOption = Annotated[int, typer.Option("--limit", min=1, max=200, help="How many items.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="Day the list is for, YYYY-MM-DD (default today).")
]
NoRecordOption = Annotated[
    bool, typer.Option("--no-record", help="Do not record the list as shown (impressions).")
]


def _record(
    runtime: Runtime,
    engine: Engine,
    subject: str,
    kind: str,
    items: Sequence[Recommendation],
    list_kind: Literal["person", "candidates"],
) -> None:
    """Record a list as shown, dated the day it is for (never fails the command)."""
    from service.store.impressions import record_impressions

    with runtime.session() as session:
        record_impressions(
            session,
            subject=subject,
            kind=kind,
            recommendations=items,
            model_version=engine.model_version,
            today=engine.today,
            list_kind=list_kind,
        )


@app.command()
def recommend(
    ctx: typer.Context,
    person_id: Annotated[str, typer.Argument(help="The person's id.")],
    kind: KindOption = "vacancy",
    limit: LimitOption = 10,
    as_json: JsonOption = False,
    as_of: AsOfOption = None,
    no_record: NoRecordOption = False,
) -> None:
    """A person's shortlist of vacancies, courses or shelters, best first, with reasons."""
    runtime = _runtime(ctx)
    lang = runtime.settings.lang
    person, engine = _person_and_engine(runtime, person_id, kind, as_of)
    items = engine.recommend(person, kind, limit=limit)
    if not no_record:
        _record(runtime, engine, person_id, kind, items, "person")
    if as_json:
        _echo_json({"items": [item.as_dict(lang) for item in items]})
        return
    typer.echo(_text(f"list_{kind}", lang, id=person_id, count=len(items)))
    for number, item in enumerate(items, start=1):
        typer.echo(
            f"{number:>3}. {item.id}  {item.score:.3f}  {_label(engine.item(kind, item.id))}"
        )
        for reason in item.reasons:
            typer.echo(f"       • {reason.text(lang)}")


@app.command()
def candidates(
    ctx: typer.Context,
    vacancy_id: Annotated[str, typer.Argument(help="The vacancy's id.")],
    limit: LimitOption = 20,
    as_json: JsonOption = False,
    as_of: AsOfOption = None,
    no_record: NoRecordOption = False,
) -> None:
    """The persons who fit a vacancy best (eligible ones only), with reasons."""
    from service.store import rows as glue

    runtime = _runtime(ctx)
    lang = runtime.settings.lang
    today = _today(as_of, lang)
    with runtime.session() as session:
        engine = glue.load_engine(session, today=today)
        if vacancy_id not in engine.vacancies.position:
            typer.echo(_text("unknown_vacancy_id", lang, id=vacancy_id), err=True)
            raise typer.Exit(1)
        persons = glue.load_persons(session, engine, protector=runtime.protector)
    items = engine.candidates(vacancy_id, persons, limit=limit)
    if not no_record:
        _record(runtime, engine, vacancy_id, "vacancy", items, "candidates")
    if as_json:
        _echo_json({"items": [item.as_dict(lang) for item in items]})
        return
    job = engine.item("vacancy", vacancy_id)
    typer.echo(_text("list_candidates", lang, id=vacancy_id, title=_label(job), count=len(items)))
    for number, item in enumerate(items, start=1):
        typer.echo(f"{number:>3}. {item.id}  {item.score:.3f}")
        for reason in item.reasons:
            typer.echo(f"       • {reason.text(lang)}")


@app.command()
def why(
    ctx: typer.Context,
    person_id: Annotated[str, typer.Argument(help="The person's id.")],
    kind: Annotated[str, typer.Argument(help="vacancy, course or shelter")],
    item_id: Annotated[str, typer.Argument(help="The item's id.")],
    as_json: JsonOption = False,
    as_of: AsOfOption = None,
) -> None:
    """Why an item is, or is not, on a person's list: rules, features, score, rank."""
    from catalogs.i18n import messages as all_messages

    runtime = _runtime(ctx)
    lang = runtime.settings.lang
    person, engine = _person_and_engine(runtime, person_id, kind, as_of)
    try:
        result = engine.why(person, kind, item_id)
    except KeyError:
        typer.echo(_text("unknown_item_id", lang, kind=kind, id=item_id), err=True)
        raise typer.Exit(1) from None
    engine_text = all_messages("matcher")
    if as_json:
        _echo_json(
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
    item = engine.item(kind, item_id)
    typer.echo(f"{person_id} · {item_id} · {_label(item)}")
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
            "not_in_list", lang, limit=len(engine.recommend(person, kind, limit=200))
        )
    )
    typer.echo(
        f"{engine_text.text('score', lang)}: {result.score:.3f} · {engine_text.text('rank', lang)}: {rank}"
    )
    for name, value in result.features.items():
        label = engine_text.text(f"feature_{name}", lang)
        typer.echo(f"  {label:<28} {value:5.2f} → {result.contributions[name]:.3f}")
    for reason in result.reasons:
        typer.echo(f"  • {reason.text(lang)}")


token_app = typer.Typer(help="API tokens: create (shown once), list, revoke.", no_args_is_help=True)
app.add_typer(token_app, name="token")


@token_app.command("create")
def token_create(
    ctx: typer.Context,
    role: Annotated[str, typer.Option("--role", help="officer, inspector, employer or admin")],
    employer: Annotated[
        str | None, typer.Option("--employer", help="The employer's BIN (employer role).")
    ] = None,
    region: Annotated[
        str | None, typer.Option("--region", help="KATO code of a region (officer, inspector).")
    ] = None,
    label: Annotated[str | None, typer.Option("--label", help="Whose token this is.")] = None,
) -> None:
    """Create a token and print it once: only its hash is stored."""
    from service.store import tokens

    runtime = _runtime(ctx)
    lang = runtime.settings.lang
    with runtime.session() as session:
        try:
            secret, record = tokens.create(
                session, role=role, employer_bin=employer, region_kato=region, label=label
            )
        except tokens.TokenError as error:
            typer.echo(_text(error.code, lang, **error.params), err=True)
            raise typer.Exit(2) from None
    typer.echo(_text("token_created", lang), err=True)
    typer.echo(secret)
    typer.echo(f"id={record.id} role={record.role}", err=True)


@token_app.command("list")
def token_list(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Every token: id, role, scope, label, when made and revoked (never the token itself)."""
    from service.store import tokens

    runtime = _runtime(ctx)
    with runtime.session() as session:
        rows = [
            {
                "id": t.id,
                "role": t.role,
                "employer_bin": t.employer_bin,
                "region_kato": t.region_kato,
                "label": t.label,
                "created_at": t.created_at,
                "revoked_at": t.revoked_at,
            }
            for t in tokens.listing(session)
        ]
    if as_json:
        _echo_json(rows)
        return
    for row in rows:
        scope = row["employer_bin"] or row["region_kato"] or "—"
        state = f"revoked {row['revoked_at']:%Y-%m-%d}" if row["revoked_at"] else "active"
        typer.echo(f"{row['id']:>4}  {row['role']:<9} {scope:<12} {state:<18} {row['label'] or ''}")


@token_app.command("revoke")
def token_revoke(
    ctx: typer.Context, token_id: Annotated[int, typer.Argument(help="The token's id.")]
) -> None:
    """Revoke a token: it stops working at once."""
    from service.store import tokens

    runtime = _runtime(ctx)
    lang = runtime.settings.lang
    with runtime.session() as session:
        try:
            tokens.revoke(session, token_id)
        except tokens.TokenError as error:
            typer.echo(_text(error.code, lang, **error.params), err=True)
            raise typer.Exit(1) from None
    typer.echo(_text("token_revoked", lang, id=token_id))


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port.")] = 8000,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64, help="Processes.")] = 1,
) -> None:
    """Serve the HTTP API under /api/v1 (interactive docs at /docs)."""
    import uvicorn

    from service.api.app import create_app

    runtime = _runtime(ctx)
    with runtime.session():
        pass  # create or upgrade the schema before the first request
    typer.echo(_text("serving", runtime.settings.lang, host=host, port=port, where=runtime.where))
    if workers > 1:
        uvicorn.run(
            "service.api.app:from_settings",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
        )
    else:
        uvicorn.run(create_app(runtime), host=host, port=port, log_level="warning")


def _plan_output(
    runtime: Runtime, engine: Engine, version: Any, fmt: str, output: Path | None
) -> None:
    from service.plans import versions as plans

    lang = runtime.settings.lang
    labels = plans.item_labels(engine, version.body)
    if fmt == "html":
        text = plans.html(version.body, lang, labels=labels)
    else:
        text = json.dumps(
            {"version": version.version, "change": version.change, "plan": version.body,
             "rendered": plans.render(version.body, lang, labels=labels)},
            ensure_ascii=False, indent=2, default=str,
        )  # fmt: skip
    if output is not None:
        output.write_text(text, encoding="utf-8")
        typer.echo(str(output), err=True)
    else:
        typer.echo(text)


@app.command()
def plan(
    ctx: typer.Context,
    person_id: Annotated[str, typer.Argument(help="The person's id.")],
    fmt: Annotated[str, typer.Option("--format", help="json or html")] = "json",
    show: Annotated[
        bool,
        typer.Option("--show", help="Show the stored plan instead of generating a new version."),
    ] = False,
    version: Annotated[
        int | None, typer.Option("--version", min=1, help="With --show: this version.")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file.")
    ] = None,
    as_of: AsOfOption = None,
) -> None:
    """Generate (or show) the person's individual plan, in the language of --lang."""
    from service.plans import versions as plans

    runtime = _runtime(ctx)
    lang = runtime.settings.lang
    if fmt not in ("json", "html"):
        typer.echo(_text("unknown_format", lang, format=fmt), err=True)
        raise typer.Exit(2)
    person, engine = _person_and_engine(runtime, person_id, "vacancy", as_of)
    with runtime.session() as session:
        if show:
            stored = plans.latest(session, person_id, version)
            if stored is None:
                typer.echo(_text("no_plan", lang, id=person_id), err=True)
                raise typer.Exit(1)
        else:
            stored = plans.generate(session, engine, person, author="cli")
        _plan_output(runtime, engine, stored, fmt, output)


@app.command("plan-action")
def plan_action(
    ctx: typer.Context,
    person_id: Annotated[str, typer.Argument(help="The person's id.")],
    action_id: Annotated[str, typer.Argument(help="The action's id (see the plan).")],
    status: Annotated[str | None, typer.Option("--status", help="planned, done or dropped")] = None,
    due: Annotated[str | None, typer.Option("--due", help="New due date, YYYY-MM-DD.")] = None,
    responsible: Annotated[
        str | None, typer.Option("--responsible", help="Who is responsible.")
    ] = None,
    note: Annotated[
        str | None, typer.Option("--note", help="A note; the reason when dropping.")
    ] = None,
) -> None:
    """Edit one action of the plan: a new version is kept, the old one stays."""
    from service.plans import versions as plans

    runtime = _runtime(ctx)
    lang = runtime.settings.lang
    when = _today(due, lang) if due else None
    with runtime.session() as session:
        try:
            saved = plans.edit_action(
                session,
                person_id,
                action_id,
                author="cli",
                status=status,
                due=when,
                responsible=responsible,
                note=note,
            )
        except plans.PlanError as error:
            typer.echo(_text(f"plan_{error.code}", lang, **error.params), err=True)
            raise typer.Exit(1) from None
    typer.echo(_text("plan_saved", lang, id=person_id, version=saved.version))


@app.command("plan-add")
def plan_add(
    ctx: typer.Context,
    person_id: Annotated[str, typer.Argument(help="The person's id.")],
    text: Annotated[str, typer.Option("--text", help="What is to be done.")],
    due: Annotated[str, typer.Option("--due", help="Due date, YYYY-MM-DD.")],
    part: Annotated[
        str, typer.Option("--part", help="before_release, social_legal, employment or housing")
    ] = "social_legal",
    responsible: Annotated[
        str, typer.Option("--responsible", help="Who is responsible.")
    ] = "probation_service",
) -> None:
    """Add an action in free text to the plan (a new version)."""
    from service.plans import versions as plans

    runtime = _runtime(ctx)
    lang = runtime.settings.lang
    with runtime.session() as session:
        try:
            saved = plans.add_action(
                session,
                person_id,
                author="cli",
                text=text,
                part=part,
                responsible=responsible,
                due=_today(due, lang),
            )
        except plans.PlanError as error:
            typer.echo(_text(f"plan_{error.code}", lang, **error.params), err=True)
            raise typer.Exit(1) from None
    typer.echo(_text("plan_saved", lang, id=person_id, version=saved.version))


@app.command()
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
    from matcher.allocate import allocate as share_out
    from matcher.allocate import scarce
    from service.store import rows as glue

    runtime = _runtime(ctx)
    lang = runtime.settings.lang
    start, end, today = _today(release_from, lang), _today(release_to, lang), _today(as_of, lang)
    from catalogs.reference.places import places

    region = places().get(kato)
    if region is None or region.level != "region":
        typer.echo(_text("allocate_bad_region", lang, kato=kato), err=True)
        raise typer.Exit(2)
    with runtime.session() as session:
        cohort = glue.load_cohort(
            session, protector=runtime.protector, region=kato, release_from=start, release_to=end
        )
        engine = glue.load_engine(session, today=today, congestion=False)
    result = share_out(scarce(engine), cohort)
    if as_json:
        _echo_json(result.as_dict(lang))
        return
    typer.echo(
        _text(
            "allocate_header",
            lang,
            region=region.name(lang),
            count=len(cohort),
            start=start,
            end=end,
        )
    )
    for entry in result.assignments:
        item = entry.item_id or "—"
        typer.echo(
            f"  {entry.person_id:<10} {entry.kind:<8} {item:<12} {entry.expected:.3f}  {entry.reasons[0].text(lang) if entry.reasons else ''}"
        )
    for kind, figures in result.summary["kinds"].items():  # type: ignore[attr-defined]
        typer.echo(
            _text(
                "allocate_summary",
                lang,
                kind=kind,
                assigned=figures["assigned"],
                wanting=figures["persons_wanting"],
                ratio=figures["ratio_to_greedy"],
                violations=figures["capacity_violations"],
            )
        )


import service.cli.model  # noqa: E402,F401  (registers retrain and model)

if __name__ == "__main__":
    # run as a module, this file is ``__main__``: the commands live on ``service.cli.main.app``
    from service.cli.main import run as run_installed

    run_installed()
