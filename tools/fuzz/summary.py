"""The fuzzing run's summary (``helper.py summary``): the failures Schemathesis reported per
role, read from its JUnit files, grouped by check and route, each with a request to replay it,
and the server's own errors from its log. Imported by ``helper.py``, run beside it."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

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
