"""``matcher retrain`` and ``matcher model show|list|rollback``: the learned ranker's life."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from service.cli.main import _echo_json, _runtime, _text, _today, app
from service.store.modelstore import group_label, reason_text

model_app = typer.Typer(
    help="Model versions: the active card, the list, a rollback.", no_args_is_help=True
)
app.add_typer(model_app, name="model")
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _figures(entry: dict[str, Any]) -> str:
    challenger, champion = entry.get("challenger"), entry.get("champion")
    if not challenger or not champion:
        return ""
    return (
        f"NDCG@10 {challenger['ndcg@10']:.4f} / {champion['ndcg@10']:.4f}, "
        f"AUC {challenger['auc']:.4f} / {champion['auc']:.4f}"
    )


@app.command()
def retrain(
    ctx: typer.Context,
    as_json: JsonOption = False,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Day the data end (default: today).")
    ] = None,
) -> None:
    """Train on recorded outcomes, evaluate on the latest period, promote only if better and
    fair; otherwise keep the model in force, say why and exit with status 1."""
    from service.training import retrain as retraining

    runtime = _runtime(ctx)
    lang = runtime.settings.lang
    today = _today(as_of, lang)
    with runtime.session() as session:
        try:
            outcome = retraining.retrain(
                session,
                protector=runtime.protector,
                home=runtime.settings.home,
                today=today,
                report=None if as_json else lambda line: typer.echo(f"  {line}", err=True),
            )
        except retraining.Busy:
            typer.echo(_text("retrain_running", lang), err=True)
            raise typer.Exit(3) from None
        session.commit()
    if as_json:
        _echo_json(outcome.card)
        raise typer.Exit(0 if outcome.promoted else 1)
    key = "retrain_promoted" if outcome.promoted else "retrain_refused"
    typer.echo(_text(key, lang, version=outcome.version, active=outcome.active))
    for kind, entry in outcome.card["kinds"].items():
        verdict = _text("kind_promoted" if entry.get("promoted") else "kind_kept", lang)
        typer.echo(f"  {_text('kind_' + kind, lang)}: {verdict}  {_figures(entry)}")
        for reason in entry.get("refused", []):
            typer.echo(f"    - {reason_text(reason, lang)}")
    if not outcome.promoted:
        raise typer.Exit(1)


@model_app.command("show")
def model_show(
    ctx: typer.Context,
    version: Annotated[str | None, typer.Argument(help="A version (default: the active)")] = None,
    as_json: JsonOption = False,
) -> None:
    """The card of the active model (or of VERSION): data window, metrics, fairness audit."""
    from service.store import modelstore
    from service.store.tables import ModelVersion

    runtime = _runtime(ctx)
    lang = runtime.settings.lang
    with runtime.session() as session:
        if version is None or version == modelstore.BASELINE:
            card = (
                modelstore.card(session)
                if version is None
                else modelstore.baseline_card(
                    active=modelstore.active_version(session) == modelstore.BASELINE
                )
            )
        else:
            row = session.get(ModelVersion, version)
            if row is None:
                typer.echo(_text("model_unknown_version", lang, version=version), err=True)
                raise typer.Exit(2)
            card = modelstore.card_of(row)
    if as_json:
        _echo_json(card)
        return
    status = _text(f"model_status_{card.get('status', 'active')}", lang)
    typer.echo(_text("model_card", lang, version=card["version"], status=status))
    for kind, entry in card.get("kinds", {}).items():
        verdict = _text("kind_promoted" if entry.get("promoted") else "kind_kept", lang)
        typer.echo(f"  {_text('kind_' + kind, lang)}: {verdict}  {_figures(entry)}")
        for attribute, audit in (entry.get("fairness") or {}).items():
            ratios = [
                f"{_text('metric_' + metric, lang)} {audit[metric]['ratio']:.2f} "
                f"({_text('lowest_group', lang, group=group_label(attribute, audit[metric]['worst'], lang))})"
                for metric in ("exposure_ratio", "opportunity_ratio")
                if audit.get(metric)
            ]
            if ratios:
                typer.echo(f"    {_text('attribute_' + attribute, lang)}: {', '.join(ratios)}")
        for reason in entry.get("refused", []):
            typer.echo(f"    - {reason_text(reason, lang)}")


@model_app.command("list")
def model_list(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Every version trained, newest first: promoted, refused, active."""
    from service.store import modelstore

    runtime = _runtime(ctx)
    with runtime.session() as session:
        rows = [
            {
                "version": row.version,
                "status": modelstore.status(row),
                "created_at": row.created_at.isoformat(timespec="seconds"),
                "file": row.path is not None,
            }
            for row in modelstore.versions(session)
        ]
        active = modelstore.active_version(session)
    rows.append(
        {
            "version": modelstore.BASELINE,
            "status": "active" if active == modelstore.BASELINE else "inactive",
            "created_at": None,
            "file": False,
        }
    )
    if as_json:
        _echo_json(rows)
        return
    for row in rows:
        mark = "*" if row["status"] == "active" else " "
        typer.echo(f"{mark} {row['version']:<32} {row['status']:<10} {row['created_at'] or ''}")


@model_app.command("rollback")
def model_rollback(
    ctx: typer.Context,
    version: Annotated[str, typer.Argument(help="A promoted version, or the baseline's")],
) -> None:
    """Make an earlier version the one that serves (servers switch on their next request)."""
    from service.store import modelstore

    runtime = _runtime(ctx)
    lang = runtime.settings.lang
    with runtime.session() as session:
        try:
            modelstore.activate(session, version)
        except modelstore.UnknownVersion:
            typer.echo(_text("model_unknown_version", lang, version=version), err=True)
            raise typer.Exit(2) from None
        session.commit()
    typer.echo(_text("model_rolled_back", lang, version=version))
