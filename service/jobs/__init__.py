"""Long work answered ``202`` and read back by ``GET /api/v1/jobs/{id}``: allocations,
retraining and large imports. ``store`` keeps the ``jobs`` rows, ``tasks`` runs one job,
``queue`` chooses where it runs (procrastinate on PostgreSQL, a thread pool on SQLite)."""
