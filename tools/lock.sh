#!/usr/bin/env bash
# Pin every package the project installs (runtime and the dev extra) into requirements.lock,
# which ./dev and CI install, so that every run tests the same versions.
#
#   tools/lock.sh             re-resolve after pyproject.toml changed, keeping pins that still fit
#   tools/lock.sh --upgrade   take the newest versions that pyproject.toml allows
#
# The lock is resolved for Python 3.11 and every platform (uv's universal resolution). uv is
# installed into a throw-away virtualenv; nothing else on the machine changes.
set -euo pipefail
cd "$(dirname "$0")/.."
tool="$(mktemp -d)"
trap 'rm -rf "$tool"' EXIT
python3 -m venv "$tool"
"$tool/bin/python" -m pip install --quiet 'uv>=0.5' 2> >(grep -v '^WARNING: Location' >&2)
"$tool/bin/uv" pip compile pyproject.toml --extra dev --universal --python-version 3.11 \
  --no-header --quiet --output-file requirements.lock "$@"
echo "requirements.lock: $(grep -c '==' requirements.lock) packages pinned"
