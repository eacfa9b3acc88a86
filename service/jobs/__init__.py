"""Long work answered ``202`` and read back by ``GET /api/v1/jobs/{id}``: allocations,
retraining and large imports. ``store`` keeps the ``jobs`` rows, ``tasks`` runs one job,
``queue`` chooses where it runs (procrastinate on PostgreSQL; on SQLite, a child process of
the server, ``child``)."""
