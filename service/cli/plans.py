"""``matcher plan``, ``plan-action`` and ``plan-add``: the individual plan (art. 16(5))."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from service.cli.app import AsOfOption, answered, command, day, runtime, text

if TYPE_CHECKING:
    from service.usecases.plans import Plan


def _output(plan: Plan, lang: str, fmt: str, output: Path | None, *, printed: str = "") -> None:
    """``printed``: the A4 document (the html form), made by the caller."""
    from service.plans import versions as rendering

    version = plan.version
    if fmt == "html":
        page = printed
    else:
        page = json.dumps(
            {"version": version.version, "change": version.change, "plan": version.body,
             "rendered": rendering.render(version.body, lang, labels=plan.labels)},
            ensure_ascii=False, indent=2, default=str,
        )  # fmt: skip
    if output is not None:
        output.write_text(page, encoding="utf-8")
        typer.echo(str(output), err=True)
    else:
        typer.echo(page)


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
    from service.usecases import plans

    rt = runtime(ctx)
    lang = rt.settings.lang
    if fmt not in ("json", "html"):
        typer.echo(text("unknown_format", lang, format=fmt), err=True)
        raise typer.Exit(2)
    today = day(as_of, lang)
    with answered(lang):
        if show:
            found = plans.read(rt, command("plan"), person_id, version=version)
        else:
            found = plans.generate(rt, command("plan"), person_id, today=today)
        printed = ""
        if fmt == "html":  # the same A4 document as the pages and the API print
            from service.usecases import plan_sheet

            sheet = plan_sheet.sheet(rt, command("plan"), person_id, version=found.version.version)
            printed = plan_sheet.printed(sheet, lang)
    _output(found, lang, fmt, output, printed=printed)


def plan_action(
    ctx: typer.Context,
    person_id: Annotated[str, typer.Argument(help="The person's id.")],
    action_id: Annotated[str, typer.Argument(help="The action's id (see the plan).")],
    status: Annotated[str | None, typer.Option("--status", help="planned, done or dropped")] = None,
    due: Annotated[str | None, typer.Option("--due", help="New due date, YYYY-MM-DD.")] = None,
    responsible: Annotated[
        str | None, typer.Option("--responsible", help="Who is responsible.")
    ] = None,
    responsible_name: Annotated[
        str | None,
        typer.Option("--responsible-name", help="The responsible person's name ('' clears it)."),
    ] = None,
    note: Annotated[
        str | None, typer.Option("--note", help="A note; the reason when dropping.")
    ] = None,
) -> None:
    """Edit one action of the plan: a new version is kept, the old one stays."""
    from service.usecases import plans

    rt = runtime(ctx)
    lang = rt.settings.lang
    when = day(due, lang)
    with answered(lang):
        saved = plans.edit_action(
            rt,
            command("plan-action"),
            person_id,
            action_id,
            status=status,
            due=when,
            responsible=responsible,
            responsible_name=responsible_name,
            note=note,
        )
    typer.echo(text("plan_saved", lang, id=person_id, version=saved.version.version))


def plan_add(
    ctx: typer.Context,
    person_id: Annotated[str, typer.Argument(help="The person's id.")],
    what: Annotated[str, typer.Option("--text", help="What is to be done.")],
    due: Annotated[str, typer.Option("--due", help="Due date, YYYY-MM-DD.")],
    part: Annotated[
        str, typer.Option("--part", help="before_release, social_legal, employment or housing")
    ] = "social_legal",
    responsible: Annotated[
        str, typer.Option("--responsible", help="Who is responsible.")
    ] = "probation_service",
    responsible_name: Annotated[
        str | None, typer.Option("--responsible-name", help="The responsible person's name.")
    ] = None,
) -> None:
    """Add an action in free text to the plan (a new version)."""
    from service.usecases import plans

    rt = runtime(ctx)
    lang = rt.settings.lang
    when = day(due, lang) or date.today()
    with answered(lang):
        saved = plans.add_action(
            rt,
            command("plan-add"),
            person_id,
            text=what,
            part=part,
            responsible=responsible,
            responsible_name=responsible_name,
            due=when,
        )
    typer.echo(text("plan_saved", lang, id=person_id, version=saved.version.version))


def register(app: typer.Typer) -> None:
    app.command()(plan)
    app.command("plan-action")(plan_action)
    app.command("plan-add")(plan_add)
