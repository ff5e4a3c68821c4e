#!/usr/bin/env bash
# Emacs + Eglot test: open a copy of the fixture in `emacs --batch` with editors/emacs/spmd-types-eglot.el.
# Usage: run.sh ARTIFACTS_DIR      Env: SPMD_VENV (default the checkout's .venv), SPMD_LSP_CMD, EMACS (default emacs)
set -euo pipefail
ART=$(mkdir -p "${1:?usage: run.sh ARTIFACTS_DIR}" && cd "$1" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
SPMD_VENV=${SPMD_VENV:-$REPO/.venv}
TMP=$(mktemp -d /tmp/spmd-emacs.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/ws"
cp "$HERE/../fixtures/partial_relu.py" "$TMP/ws/"
cd "$TMP/ws"
# HOME in the temp dir: no ~/.emacs.d, no eglot/project state written to the real home
HOME="$TMP" SPMD_REPO="$REPO" SPMD_LSP_CMD="${SPMD_LSP_CMD:-$SPMD_VENV/bin/spmd-lsp}" \
  timeout 180 "${EMACS:-emacs}" --batch -l "$HERE/test_eglot.el" partial_relu.py 2> >(tee "$ART/emacs-stderr.log" | grep -E '^\[emacs|FAIL|Error|error' >&2)
