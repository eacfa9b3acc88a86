"""The service: database, migrations, imports, the ``matcher`` command and (later) the HTTP API.

It translates database rows to the engine's plain inputs and back; the engine (``matcher``)
and the catalogs never see SQLModel or FastAPI.
"""
