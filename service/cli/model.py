"""``matcher retrain`` and ``matcher model show|list|rollback``: the learned ranker's life."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

import typer

from catalogs.i18n import decimal, moment
from service.cli.app import JsonOption, answered, command, day, echo_json, runtime, text
from service.cli.data import one_decimal
from service.store.model_card import KindEntry, TradeLists


def _figures(entry: KindEntry, lang: str) -> str:
    challenger, champion = entry.get("challenger"), entry.get("champion")
    if not challenger or not champion:
        return ""
    return (
        f"NDCG@10 {decimal(challenger['ndcg@10'], lang, 4)} / "
        f"{decimal(champion['ndcg@10'], lang, 4)}, "
        f"AUC {decimal(challenger['auc'], lang, 4)} / {decimal(champion['auc'], lang, 4)}"
    )


def _trade_shares(trade: dict[str, Any]) -> dict[str, object]:
    """The held-out share of persons with a trade whose top 3 holds a job of it, per model."""
    shares: dict[str, object] = {
        name: round(100 * trade[name]["top_share"])
        for name in ("challenger", "champion", "baseline")
    }
    return {**shares, "persons": trade["challenger"]["persons"]}


def _trade_lists(lists: TradeLists, top: int, lang: str) -> dict[str, object] | None:
    """The trade-first gate's figures on the lists a specialist sees, per model: the share in
    per cent, the mean place with the reader's decimal sign (None when nobody had a job of
    their trade to find)."""
    shares = {
        "challenger": lists.get("challenger"),
        "champion": lists.get("champion"),
        "baseline": lists.get("baseline"),
    }
    if not lists.get("reachable"):
        return None
    found: dict[str, object] = {"persons": lists["reachable"], "size": lists["size"], "top": top}
    for name, share in shares.items():
        if share is None:
            return None
        found[name] = round(100 * share["top_share"])
        found[f"{name}_place"] = one_decimal(share["best_rank"], lang)
    return found


def _trade_gate(gates: Mapping[str, Any]) -> dict[str, object] | None:
    """The trade-first gate and rule, in points and per cent (None on cards made before it)."""
    if "exact_trade_band" not in gates:
        return None
    return {
        "slack": round(100 * gates["exact_trade_slack"]),
        "band": round(100 * gates["exact_trade_band"]),
    }


def retrain(
    ctx: typer.Context,
    as_json: JsonOption = False,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Day the data end (default: today).")
    ] = None,
) -> None:
    """Train on recorded outcomes, evaluate on the latest period, promote only if better and
    fair; otherwise keep the model in force, say why and exit with status 1."""
    from service.store.modelstore import reason_text
    from service.usecases import model

    rt = runtime(ctx)
    lang = rt.settings.lang
    with answered(lang):
        outcome = model.retrain(rt, command("retrain"), today=day(as_of, lang))
    if as_json:
        echo_json(outcome.card)
        raise typer.Exit(0 if outcome.promoted else 1)
    key = "retrain_promoted" if outcome.promoted else "retrain_refused"
    typer.echo(text(key, lang, version=outcome.version, active=outcome.active))
    for kind, entry in outcome.card["kinds"].items():
        verdict = text("kind_promoted" if entry.get("promoted") else "kind_kept", lang)
        typer.echo(f"  {text('kind_' + kind, lang)}: {verdict}  {_figures(entry, lang)}")
        for reason in entry.get("refused", []):
            typer.echo(f"    - {reason_text(reason, lang)}")
    if not outcome.promoted:
        raise typer.Exit(1)


def show(
    ctx: typer.Context,
    version: Annotated[str | None, typer.Argument(help="A version (default: the active)")] = None,
    as_json: JsonOption = False,
) -> None:
    """The card of the active model (or of VERSION): data window, metrics, fairness audit."""
    from service.store.modelstore import group_label, reason_text
    from service.usecases import model

    rt = runtime(ctx)
    lang = rt.settings.lang
    actor = command("model show")
    with answered(lang):
        card = model.card(rt, actor) if version is None else model.version_card(rt, actor, version)
    if as_json:
        echo_json(card)
        return
    status = text(f"model_status_{card.get('status', 'active')}", lang)
    typer.echo(text("model_card", lang, version=card["version"], status=status))
    for kind, entry in card.get("kinds", {}).items():
        verdict = text("kind_promoted" if entry.get("promoted") else "kind_kept", lang)
        typer.echo(f"  {text('kind_' + kind, lang)}: {verdict}  {_figures(entry, lang)}")
        for attribute, audit in (entry.get("fairness") or {}).items():
            ratios = [
                f"{text('metric_' + metric, lang)} {decimal(found['ratio'], lang, 2)} "
                f"({text('lowest_group', lang, group=group_label(attribute, found['worst'], lang))})"
                for metric, found in (
                    ("exposure_ratio", audit.get("exposure_ratio")),
                    ("opportunity_ratio", audit.get("opportunity_ratio")),
                )
                if found
            ]
            if ratios:
                typer.echo(f"    {text('attribute_' + attribute, lang)}: {', '.join(ratios)}")
        gates = card.get("gates", {})
        lists = entry.get("trade_first_lists")
        shown = _trade_lists(lists, gates.get("exact_trade_top", 3), lang) if lists else None
        if trade := entry.get("trade_first"):
            # the gate's line comes right after the figures it judges
            key = "trade_first_referrals" if lists else "trade_first_shares"
            typer.echo("    " + text(key, lang, **_trade_shares(trade)))
        if shown:
            typer.echo("    " + text("trade_first_lists", lang, **shown))
            needed = gates.get("exact_trade_min_lists", 0)
            if lists and lists["reachable"] < needed:
                typer.echo("    " + text("trade_first_not_judged", lang, needed=needed))
        if (trade or shown) and (gate := _trade_gate(gates)):
            typer.echo("    " + text("trade_first_gate", lang, **gate))
        for reason in entry.get("refused", []):
            typer.echo(f"    - {reason_text(reason, lang)}")


def listing(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Every version trained, newest first: promoted, refused, active."""
    from service.usecases import model

    rt = runtime(ctx)
    with answered(rt.settings.lang):
        lines = model.versions(rt, command("model list"))
    rows = [
        {"version": line.version, "status": line.status, "created_at": line.created_at,
         "file": line.has_file}
        for line in lines
    ]  # fmt: skip
    if as_json:
        echo_json(rows)
        return
    lang = rt.settings.lang
    for line in lines:
        mark = "*" if line.status == "active" else " "
        status = text(f"model_status_{line.status}", lang)
        made = moment(line.created_at)  # Kazakhstan time, 27.01.2027 14:05
        typer.echo(f"{mark} {line.version:<32} {status:<14} {made}")


def rollback(
    ctx: typer.Context,
    version: Annotated[str, typer.Argument(help="A promoted version, or the baseline's")],
) -> None:
    """Make an earlier version the one that serves (servers switch on their next request)."""
    from service.usecases import model

    rt = runtime(ctx)
    lang = rt.settings.lang
    with answered(lang):
        model.rollback(rt, command("model rollback"), version)
    typer.echo(text("model_rolled_back", lang, version=version))


def register(app: typer.Typer) -> None:
    app.command()(retrain)
    group = typer.Typer(
        help="Model versions: the active card, the list, a rollback.", no_args_is_help=True
    )
    group.command("show")(show)
    group.command("list")(listing)
    group.command("rollback")(rollback)
    app.add_typer(group, name="model")
