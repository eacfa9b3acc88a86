"""Helpers of ``tools/fuzz/run.sh``: throwaway databases, test data discovery, the summary.

Only the public surface is used: the HTTP API, and (read-only) the database the server was
given, to find a region and an employer that the demo data holds. Nothing here imports the
project's packages, so the fuzzer stays a separate client of a live server.

    python tools/fuzz/helper.py free-port
    python tools/fuzz/helper.py pg-prepare URL      # prints "created" or "existing"
    python tools/fuzz/helper.py pg-drop URL
    python tools/fuzz/helper.py wait BASE_URL SECONDS
    python tools/fuzz/helper.py mint BASE_URL ADMIN_TOKEN ROLE [REGION_KATO|EMPLOYER_BIN]
    python tools/fuzz/helper.py token-ids BASE_URL ADMIN_TOKEN
    python tools/fuzz/helper.py discover BASE_URL    # prints "REGION_KATO EMPLOYER_BIN"
    python tools/fuzz/helper.py token-alive BASE_URL TOKEN
    python tools/fuzz/helper.py summary REPORT_DIR ROLE...
"""

from __future__ import annotations

import os
import re
import socket
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
from summary import summary  # the sibling script, run beside it


def _sqlalchemy_url(url: str) -> str:
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def _pg_parts(url: str) -> tuple[str, str]:
    """The URL of the maintenance database on the same server, and the database name."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,62}", name):
        raise SystemExit(f"fuzz: a PostgreSQL URL must name a plain database: {url}")
    admin = urlunsplit((parts.scheme, parts.netloc, "/postgres", parts.query, ""))
    return admin, name


def _pg_connect(url: str) -> Any:
    import psycopg

    plain = url.replace("postgresql+psycopg://", "postgresql://", 1)
    return psycopg.connect(plain.replace("postgres://", "postgresql://", 1), autocommit=True)


def pg_prepare(url: str) -> str:
    """Create the database when it does not exist; refuse one that already holds tables."""
    admin, name = _pg_parts(url)
    with _pg_connect(admin) as conn:
        exists = conn.execute("select 1 from pg_database where datname = %s", (name,)).fetchone()
        if not exists:
            conn.execute(f'create database "{name}"')
            return "created"
    with _pg_connect(url) as conn:
        tables = conn.execute(
            "select count(*) from information_schema.tables where table_schema = 'public'"
        ).fetchone()
    if tables and tables[0] and os.environ.get("FUZZ_REUSE_DB") != "1":
        raise SystemExit(
            f"fuzz: database {name} already holds {tables[0]} tables; the fuzzer writes demo data "
            "into it. Give an empty or a new database (or set FUZZ_REUSE_DB=1 if it is a "
            "throwaway one)."
        )
    return "existing"


def pg_drop(url: str) -> None:
    admin, name = _pg_parts(url)
    with _pg_connect(admin) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait(base: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    return False


def mint(base: str, admin_token: str, role: str, scope: str) -> str:
    """A token made through ``POST /tokens`` (``matcher token create`` costs a process start)."""
    body: dict[str, str] = {"role": role, "label": f"fuzz {role}"}
    if role == "inspector":
        body["region_kato"] = scope
    elif role == "employer":
        body["employer_bin"] = scope
    answer = httpx.post(
        f"{base}/api/v1/tokens",
        json=body,
        headers={"Authorization": f"Bearer {admin_token}"},
        timeout=30,
    )
    if answer.status_code != 201:
        raise SystemExit(f"fuzz: could not make the {role} token: {answer.text[:300]}")
    return str(answer.json()["token"])


def token_ids(base: str, token: str) -> str:
    """The ids of every token there is (all of them made by this run), comma-separated."""
    answer = httpx.get(
        f"{base}/api/v1/tokens", headers={"Authorization": f"Bearer {token}"}, timeout=30
    )
    answer.raise_for_status()
    body = answer.json()
    items = body.get("items", body) if isinstance(body, dict) else body
    return ",".join(str(item["id"]) for item in items)


def _schema_examples(base: str, parameter: str) -> list[str]:
    schema = httpx.get(f"{base}/api/v1/openapi.json", timeout=10).json()
    found: list[str] = []
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            for param in operation.get("parameters", []):
                if param.get("name") != parameter:
                    continue
                for value in param.get("schema", {}).get("examples", []) or []:
                    if isinstance(value, str) and value not in found:
                        found.append(value)
    return found


def _database_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return _sqlalchemy_url(url)
    home = os.environ.get("MATCHER_HOME")
    if not home:
        raise SystemExit("fuzz: neither DATABASE_URL nor MATCHER_HOME is set")
    return f"sqlite:///file:{Path(home) / 'matcher.db'}?mode=ro&uri=true"


def discover(base: str) -> tuple[str, str]:
    """A region that holds persons and an employer that has open vacancies.

    Preferred: the region of the schema's example person and the employer of its example
    vacancy, so that the generated requests reach past the scope checks of those tokens.
    """
    import sqlalchemy as sa

    engine = sa.create_engine(_database_url())
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("set transaction read only")
            region = bin_ = None
            for person in _schema_examples(base, "person_id"):
                region = conn.execute(
                    sa.text("select region_kato from persons where person_id = :p"),
                    {"p": person},
                ).scalar()
                if region:
                    break
            if not region:
                region = conn.execute(
                    sa.text(
                        "select region_kato from persons group by region_kato "
                        "order by count(*) desc, region_kato limit 1"
                    )
                ).scalar()
            for vacancy in _schema_examples(base, "vacancy_id"):
                bin_ = conn.execute(
                    sa.text("select employer_bin from vacancies where vacancy_id = :v"),
                    {"v": vacancy},
                ).scalar()
                if bin_:
                    break
            if not bin_:
                bin_ = conn.execute(
                    sa.text(
                        "select employer_bin from vacancies where status = 'open' "
                        "group by employer_bin order by count(*) desc, employer_bin limit 1"
                    )
                ).scalar()
    finally:
        engine.dispose()
    if not region or not bin_:
        raise SystemExit("fuzz: the demo database holds no persons or no vacancies")
    return str(region), str(bin_)


def token_alive(base: str, token: str) -> bool:
    answer = httpx.get(
        f"{base}/api/v1/model", headers={"Authorization": f"Bearer {token}"}, timeout=30
    )
    return answer.status_code != 401


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    command, *args = argv
    if command == "free-port":
        print(free_port())
    elif command == "pg-prepare":
        print(pg_prepare(args[0]))
    elif command == "pg-drop":
        pg_drop(args[0])
    elif command == "wait":
        return 0 if wait(args[0], float(args[1])) else 1
    elif command == "mint":
        print(mint(args[0], args[1], args[2], args[3] if len(args) > 3 else ""))
    elif command == "token-ids":
        print(token_ids(args[0], args[1]))
    elif command == "discover":
        print(*discover(args[0]))
    elif command == "token-alive":
        return 0 if token_alive(args[0], args[1]) else 1
    elif command == "summary":
        return summary(Path(args[0]), args[1:])
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
