"""``matcher worker``: runs the jobs the API queues (allocations, retraining, large imports)
on PostgreSQL, through procrastinate. On the embedded SQLite database the server runs them
itself and no worker is needed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from catalogs.i18n import messages
from service.cli.app import database

if TYPE_CHECKING:
    from service.runtime import Runtime


def register(app: typer.Typer) -> None:
    """Add ``matcher worker`` to ``app``."""

    @app.command()
    def worker(
        ctx: typer.Context,
        concurrency: Annotated[
            int, typer.Option("--concurrency", min=1, max=16, help="Jobs run at the same time.")
        ] = 2,
        once: Annotated[
            bool, typer.Option("--once", help="Run the jobs queued now, then stop.")
        ] = False,
    ) -> None:
        """Run queued jobs until stopped (PostgreSQL; several workers may run on any hosts).
        Jobs left running by a stopped worker are marked failed ("abandoned")."""
        from service.jobs import procrastinate_app, queue

        runtime: Runtime = ctx.find_root().obj
        lang = runtime.settings.lang
        if queue.backend(runtime) != "procrastinate":
            typer.echo(messages("service").text("worker_not_needed", lang), err=True)
            raise typer.Exit(2)
        runtime.ready()
        typer.echo(messages("service").text("worker_start", lang, where=database(runtime)))
        procrastinate_app.run_worker(runtime, wait=not once, concurrency=concurrency)
