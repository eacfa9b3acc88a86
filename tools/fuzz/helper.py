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

import json
import os
import re
import socket
import sys
import time
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx


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


# -- summary ------------------------------------------------------------------------------

_CURL = re.compile(r"^\s*(curl .*)$", re.MULTILINE)
_CODE = re.compile(r"^- (ST\d+) (.+)$", re.MULTILINE)
_RECEIVED = re.compile(r"^\[(\d{3})\]", re.MULTILINE)


def _junit_failures(path: Path) -> list[dict[str, str]]:
    """Each failure of a JUnit report: check code, title, operation, status, curl."""
    if not path.exists():
        return []
    found: list[dict[str, str]] = []
    for case in ET.parse(path).getroot().iter("testcase"):
        for failure in case.findall("failure"):
            text = failure.text or ""
            curl = _CURL.search(text)
            status = _RECEIVED.search(text)
            method_path = _method_path(curl.group(1) if curl else "", case.get("name", ""))
            for code, title in _CODE.findall(text):
                found.append(
                    {
                        "code": code,
                        "title": title.strip(),
                        "operation": case.get("name", ""),
                        "request": method_path,
                        "status": status.group(1) if status else "",
                        "curl": curl.group(1).strip() if curl else "",
                    }
                )
    return found


def _method_path(curl: str, operation: str) -> str:
    """``METHOD /path/template`` of a failing request (stateful failures name no operation)."""
    method = re.search(r"curl -X (\S+)", curl)
    if method and " /" in operation:
        return f"{method.group(1)} {operation.split(' ', 1)[1]}"
    url = re.search(r"(https?://[^\s']+)", curl)
    if method and url:
        return f"{method.group(1)} {_route(urlsplit(url.group(1)).path)} (stateful)"
    return operation


_ROUTE_IDS = (
    (re.compile(r"/persons/[^/?]+"), "/persons/{person_id}"),
    (re.compile(r"/vacancies/[^/?]+"), "/vacancies/{vacancy_id}"),
    (re.compile(r"/actions/[^/?]+"), "/actions/{action_id}"),
    (re.compile(r"/tokens/[^/?]+"), "/tokens/{token_id}"),
    (re.compile(r"/imports/[^/?]+"), "/imports/{kind}"),
    (re.compile(r"/model/versions/[^/?]+"), "/model/versions/{version}"),
)


def _route(path: str) -> str:
    path = path.split("?", 1)[0]
    for pattern, replacement in _ROUTE_IDS:
        path = pattern.sub(replacement, path)
    return path


def _server_errors(log: Path) -> Counter[tuple[str, str]]:
    """(request, exception) of every unexpected error the server logged."""
    seen: Counter[tuple[str, str]] = Counter()
    if not log.exists():
        return seen
    request = None
    exception = None
    for line in log.read_text(errors="replace").splitlines():
        started = re.match(r"unexpected error on (\S+) (\S+)", line)
        if started:
            if request:
                seen[(request, exception or "?")] += 1
            method, path = started.groups()
            request = f"{method} {_route(path)}"
            exception = None
            continue
        if request and re.match(r"^[A-Za-z_][\w.]*(Error|Exception|Warning)\b", line):
            exception = line[:160]
        if request and (line.startswith("INFO") or line.startswith("ERROR:")):
            seen[(request, exception or "?")] += 1
            request = None
    if request:
        seen[(request, exception or "?")] += 1
    return seen


def summary(report_dir: Path, roles: list[str]) -> int:
    """Print what each token's run found; the exit status of the whole run."""
    failures_total = 0
    problems: list[str] = []
    distinct: dict[tuple[str, str], dict[str, Any]] = {}
    print()
    print("=" * 78)
    print("Schemathesis summary, per token")
    print("=" * 78)
    for role in roles:
        folder = report_dir / role
        report = folder / "report.json"
        note = (folder / "note.txt").read_text().strip() if (folder / "note.txt").exists() else ""
        print(f"\n-- {role}" + (f"  ({note})" if note else ""))
        try:
            data = json.loads(report.read_text())
        except (OSError, ValueError):  # missing, or left empty by a run that was stopped
            problems.append(f"{role}: no report (the run was cut short)")
            print("   no report: the run did not finish (see st.log)")
            continue
        cases = data.get("test_cases", {})
        phases = ", ".join(
            f"{name} {info.get('status')}" for name, info in data.get("phases", {}).items()
        )
        print(
            f"   seed {data.get('seed')}, {data.get('running_time', 0):.0f} s, operations tested "
            f"{data.get('operations', {}).get('tested')}/{data.get('operations', {}).get('selected')}, "
            f"test cases {cases.get('generated')}, with failures {cases.get('with_failures')}"
        )
        print(f"   phases: {phases}")
        failures = data.get("failures", [])
        if not failures:
            print("   failures: none")
        for failure in failures:
            count = failure.get("count", 0)
            failures_total += count
            operations = failure.get("operations", [])
            print(f"   {failure.get('code')} {failure.get('title')}: {count}")
            for operation in operations[:8]:
                print(f"      {operation}")
            if len(operations) > 8:
                print(f"      ... and {len(operations) - 8} more")
        for error in data.get("errors", []):
            problems.append(
                f"{role}: schemathesis error {error.get('title')} x{error.get('count')}"
            )
            print(f"   tool error (not a finding): {error.get('title')} x{error.get('count')}")
        for kind, items in (data.get("warnings") or {}).items():
            if items:
                print(f"   warning {kind}: {', '.join(str(item) for item in items)[:300]}")
        if "REVOKED" in note:
            problems.append(f"{role}: its token was revoked during the run")
        for item in _junit_failures(folder / "junit.xml"):
            key = (item["code"], item["request"])
            entry = distinct.setdefault(key, {**item, "roles": []})
            if role not in entry["roles"]:
                entry["roles"].append(role)

    if distinct:
        print("\n" + "=" * 78)
        print("Distinct failures (check, request, roles) with one reproduction each")
        print("=" * 78)
        by_code: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for entry in distinct.values():
            by_code[entry["code"]].append(entry)
        for code in sorted(by_code):
            entries = sorted(by_code[code], key=lambda entry: entry["request"])
            print(f"\n{code} {entries[0]['title']} ({len(entries)})")
            for entry in entries:
                status = f" -> {entry['status']}" if entry["status"] else ""
                print(f"  {entry['request']}{status}  [{', '.join(entry['roles'])}]")
                if entry["curl"]:
                    print(f"      {entry['curl'][:400]}")

    server = _server_errors(report_dir / "server.log")
    if server:
        print("\n" + "=" * 78)
        print("Unexpected errors in the server log (request, exception: count)")
        print("=" * 78)
        for (request, exception), count in server.most_common():
            print(f"  {request}: {exception}  x{count}")

    print()
    if failures_total:
        print(f"RESULT: FAILED, {failures_total} failures (reports in {report_dir})")
        return 1
    if problems:
        print("RESULT: INCOMPLETE: " + "; ".join(problems))
        return 2
    print("RESULT: passed")
    return 0


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
