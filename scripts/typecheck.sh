#!/usr/bin/env bash
# mypy --strict over both packages under their import names (the editable install maps
# checker/ -> spmd_check and server/ -> spmd_lsp, which mypy cannot follow on its own), and
# over the protocol tests' scripted checker, which must implement spmd_check.api.Checker as
# the real Analyzer does (each is assigned to a CheckerFactory).
# mypy: $MYPY, else the repository's .venv (where CI and the README install it), else PATH.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
mypy="${MYPY:-}"
if [ -z "$mypy" ]; then
  if [ -x "$root/.venv/bin/mypy" ]; then
    mypy="$root/.venv/bin/mypy"
  elif command -v mypy >/dev/null; then
    mypy=mypy
  else
    echo "typecheck.sh: mypy not found (pip install -e '.[dev]' into .venv, or set MYPY)" >&2
    exit 2
  fi
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
ln -s "$root/checker" "$tmp/spmd_check"
ln -s "$root/server" "$tmp/spmd_lsp"
MYPYPATH="$tmp" "$mypy" --strict --python-version 3.11 -p spmd_check -p spmd_lsp
MYPYPATH="$tmp" "$mypy" --strict --python-version 3.11 "$root/tests/server/fake_analyzer.py"
