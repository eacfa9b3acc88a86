"""``matcher occupations read`` (how job titles and professions are read) and ``matcher person
occupation`` (an officer confirms a person's occupation)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from service.cli.app import JsonOption, answered, command, echo_json, runtime, text

if TYPE_CHECKING:
    from matcher import Code


def code_line(code: Code) -> str:
    """``7212 · 7212-2-005 — Электрогазосварщик (97%)``: codes and title, no words to translate."""
    codes = f"{code.code} · {code.nkz}" if code.nkz else code.code
    return f"{codes} — {code.title} ({round(code.confidence * 100)}%)"


def read(
    ctx: typer.Context,
    texts: Annotated[list[str], typer.Argument(help="Job titles or professions as written.")],
    as_json: JsonOption = False,
) -> None:
    """How job titles or professions are read: recognised or not, and the closest
    occupations (ISCO-08, NKZ where the title is NKZ's), best first."""
    from service.usecases import occupations

    lang = runtime(ctx).settings.lang
    found = occupations.read(texts, lang=lang)
    if as_json:
        echo_json({"items": [occupations.reading_dict(reading) for reading in found]})
        return
    for reading in found:
        key = (
            "occupation_read_recognised" if reading.recognised else "occupation_read_not_recognised"
        )
        typer.echo(text(key, lang, text=reading.text))
        best = list(reading.codes[: occupations.SUGGESTIONS])
        codes = [c for c in best if round(c.confidence * 100) > 0] or best[:1]  # no 0% noise
        if codes and not reading.recognised:
            typer.echo("  " + text("occupation_read_closest", lang))
        for code in codes:
            typer.echo(f"  • {code_line(code)}")


def confirm(
    ctx: typer.Context,
    person_id: Annotated[str, typer.Argument(help="The person's id.")],
    code: Annotated[str, typer.Argument(help="ISCO-08 (7212) or NKZ (7212-2-005).")],
    answers: Annotated[
        str | None,
        typer.Option(
            "--text",
            help="Which written profession it answers (default: the first not recognised).",
        ),
    ] = None,
) -> None:
    """Confirm a person's occupation: it wins over the reading of their written profession
    from now on (recorded in the audit trail)."""
    from service.usecases import occupations

    rt = runtime(ctx)
    lang = rt.settings.lang
    with answered(lang):
        row = occupations.confirm(rt, command("person occupation"), person_id, code, text=answers)
    isco08, nkz = row.confirmed_occupation, row.confirmed_occupation_nkz
    title = occupations.occupation_title(isco08, nkz, lang)
    shown = f"{isco08} · {nkz}" if nkz else str(isco08)
    typer.echo(text("occupation_confirmed", lang, id=person_id, occupation=f"{shown} — {title}"))


def register(app: typer.Typer) -> None:
    group = typer.Typer(help="How job titles and professions are read.", no_args_is_help=True)
    group.command("read")(read)
    app.add_typer(group, name="occupations")
    person = typer.Typer(help="A person's record: confirm their occupation.", no_args_is_help=True)
    person.command("occupation")(confirm)
    app.add_typer(person, name="person")
