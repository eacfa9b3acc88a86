"""The service around the engine: the database (``store``), one function per use case
(``usecases``), the HTTP API (``api``) and the ``matcher`` command (``cli``) over them, the
engine a server answers from (``serving``), long work as jobs (``jobs``), retraining
(``training``), the quota ledger (``reports``) and stored plans (``plans``).

It translates database rows to the engine's plain inputs and back; the engine (``matcher``)
and the catalogs never see SQLModel or FastAPI.
"""
