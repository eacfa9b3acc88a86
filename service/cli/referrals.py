"""``matcher refer``, ``referrals``, ``referral`` and ``clock``: make a referral (it holds a
place), list referrals, move one along its lifecycle, and apply the day's clocks."""

from __future__ import annotations

from typing import Annotated

import typer

from service.cli.app import AsOfOption, JsonOption, answered, command, day, echo_json, runtime, text


def _line(view: object, lang: str) -> str:
    from service.usecases.referral_views import ReferralView

    assert isinstance(view, ReferralView)
    row = view.row
    due = view.deadlines.get("answer_due")
    until = text("referral_line_due", lang, date=due.strftime("%d.%m.%Y")) if due else ""
    state = view.as_dict(lang)["state_label"]
    return (
        f"{row.id:>6}  {row.sent_on:%d.%m.%Y}  {view.person:<10} "
        f"{text(f'item_kind_{row.item_kind}', lang):<17} "
        f"{row.item_id:<10} {state}{until}  {view.item_title}"
    )


def refer(
    ctx: typer.Context,
    person_id: Annotated[str, typer.Argument(help="The person's id.")],
    kind: Annotated[str, typer.Argument(help="vacancy, course or shelter")],
    item_id: Annotated[str, typer.Argument(help="The item's id.")],
    proposed: Annotated[
        bool, typer.Option("--proposed", help="Agreed with the person, not yet sent (vacancy).")
    ] = False,
    plan_action: Annotated[
        str | None, typer.Option("--plan-action", help="The plan action it carries out.")
    ] = None,
    as_json: JsonOption = False,
    as_of: AsOfOption = None,
) -> None:
    """Refer a person to a vacancy, course or shelter: it holds one place until answered."""
    from service.usecases import referrals

    rt = runtime(ctx)
    lang = rt.settings.lang
    with answered(lang):
        view = referrals.refer(
            rt, command("refer"), person_id=person_id, item_kind=kind, item_id=item_id,
            start="proposed" if proposed else None, today=day(as_of, lang),
            source="plan" if plan_action else "shortlist", plan_action=plan_action,
        )  # fmt: skip
    if as_json:
        echo_json(view.as_dict(lang))
        return
    typer.echo(text("referral_made", lang, id=view.row.id))
    typer.echo(_line(view, lang))


def referrals_command(
    ctx: typer.Context,
    person: Annotated[str | None, typer.Option("--person", help="A person's id.")] = None,
    state: Annotated[str | None, typer.Option("--state", help="A state, e.g. sent.")] = None,
    employer: Annotated[str | None, typer.Option("--employer", help="An employer's BIN.")] = None,
    view: Annotated[
        str | None, typer.Option("--view", help="waiting, overdue or expired_this_week")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=500)] = 100,
    as_json: JsonOption = False,
    as_of: AsOfOption = None,
) -> None:
    """Referrals, newest first (``--view waiting``: by answer deadline)."""
    from service.usecases import referrals

    rt = runtime(ctx)
    lang = rt.settings.lang
    with answered(lang):
        views = referrals.listing(
            rt, command("referrals"), person_id=person, state=state, employer_bin=employer,
            view=view, today=day(as_of, lang), limit=limit,
        )  # fmt: skip
    if as_json:
        echo_json({"items": [v.as_dict(lang) for v in views]})
        return
    typer.echo(text("referral_count", lang, count=len(views)))
    for found in views:
        typer.echo(_line(found, lang))


def referral(
    ctx: typer.Context,
    referral_id: Annotated[int, typer.Argument(help="The referral's number.", min=1)],
    state: Annotated[str, typer.Argument(help="The new state, e.g. hired or declined.")],
    reason: Annotated[str | None, typer.Option("--reason", help="A reason code.")] = None,
    on: Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD (default today).")] = None,
    contract_months: Annotated[
        int | None, typer.Option("--contract-months", min=1, max=600, help="For hired.")
    ] = None,
    contract_start: Annotated[
        str | None, typer.Option("--contract-start", help="For hired: YYYY-MM-DD.")
    ] = None,
    destination: Annotated[
        str | None, typer.Option("--destination", help="For departed: where the person went.")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="For extended: the stay's new last day.")
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="A note for the history.")] = None,
    as_json: JsonOption = False,
    as_of: AsOfOption = None,
) -> None:
    """Move a referral along its lifecycle (see docs/referrals.md)."""
    from service.usecases import referrals

    rt = runtime(ctx)
    lang = rt.settings.lang
    change = referrals.Move(
        to=state, reason=reason, on=day(on, lang), contract_start=day(contract_start, lang),
        contract_months=contract_months, destination=destination, until=day(until, lang),
        note=note,
    )  # fmt: skip
    today = day(as_of, lang) or change.on
    with answered(lang):
        view = referrals.move(rt, command("referral"), referral_id, change, today=today)
    if as_json:
        echo_json(view.as_dict(lang))
        return
    typer.echo(_line(view, lang))


def clock(
    ctx: typer.Context,
    as_of: AsOfOption = None,
    as_json: JsonOption = False,
) -> None:
    """Apply the day's clocks: reminders, expiries, retention checks, stale capacity,
    releases; then send the notifications due. The server runs it daily by itself."""
    from service.usecases import clock as clocks

    rt = runtime(ctx)
    lang = rt.settings.lang
    with answered(lang):
        summary = clocks.run(rt, command("clock"), as_of=day(as_of, lang))
    if as_json:
        echo_json(summary.as_dict())
        return
    typer.echo(summary.text(lang))


def confirm(
    ctx: typer.Context,
    kind: Annotated[str, typer.Argument(help="vacancy or shelter")],
    item_id: Annotated[str, typer.Argument(help="The item's id.")],
    closed: Annotated[
        bool, typer.Option("--closed", help="The vacancy is no longer open.")
    ] = False,
    occupied: Annotated[
        int | None, typer.Option("--occupied", min=0, help="Beds taken outside this system.")
    ] = None,
    as_of: AsOfOption = None,
) -> None:
    """Confirm that a vacancy or a centre's capacity is still true (unconfirmed for 90 days,
    it leaves the lists)."""
    from service.usecases import capacity

    rt = runtime(ctx)
    lang = rt.settings.lang
    today = day(as_of, lang)
    with answered(lang):
        if kind == "vacancy":
            status = "closed" if closed else None
            capacity.confirm_vacancy(rt, command("confirm"), item_id, status=status, today=today)
        elif kind == "shelter":
            capacity.confirm_shelter(
                rt, command("confirm"), item_id, occupied=occupied, today=today
            )
        else:
            from service.usecases.errors import Invalid

            raise Invalid("unknown_list_kind", kind=kind)
    typer.echo(text("capacity_confirmed", lang, id=item_id))


def register(app: typer.Typer) -> None:
    app.command()(refer)
    app.command("referrals")(referrals_command)
    app.command()(referral)
    app.command()(clock)
    app.command()(confirm)
