"""Catalogs: exchange-format schemas, validated loaders and the reference data they rest on.

Nothing here imports FastAPI or SQLModel: catalogs feed the engine (``matcher``) and the
service translates database rows to and from the plain records defined here.
"""
