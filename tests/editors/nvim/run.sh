#!/usr/bin/env bash
# Neovim test: open a copy of the fixture in headless Neovim with editors/nvim/spmd_types.lua.
# Usage: run.sh NVIM_BIN ARTIFACTS_DIR
# Env:   SPMD_VENV (default the checkout's .venv), SPMD_LSP_CMD (default $SPMD_VENV/bin/spmd-lsp)
set -euo pipefail
NVIM=$(command -v "${1:?usage: run.sh NVIM_BIN ARTIFACTS_DIR}") ART=$(mkdir -p "${2:?artifacts dir}" && cd "$2" && pwd)
NVIM=$(cd "$(dirname "$NVIM")" && pwd)/$(basename "$NVIM")
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
SPMD_VENV=${SPMD_VENV:-$REPO/.venv}
TMP=$(mktemp -d /tmp/spmd-nvim.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$TMP/ws" "$ART"
cp "$HERE/../fixtures/partial_relu.py" "$TMP/ws/"
VERSION=$("$NVIM" --version | head -1 | tr -d '\r' | awk '{print $2}')
# lsp.log and shada live in the temporary XDG dirs, not in ~
export XDG_CACHE_HOME="$TMP/cache" XDG_STATE_HOME="$TMP/state" XDG_CONFIG_HOME="$TMP/config" XDG_DATA_HOME="$TMP/data"
rc=0
(cd "$TMP/ws" && SPMD_REPO="$REPO" SPMD_LSP_CMD="${SPMD_LSP_CMD:-$SPMD_VENV/bin/spmd-lsp}" \
  timeout 180 "$NVIM" --headless -n -i NONE -u "$HERE/test_lsp.lua" partial_relu.py) || rc=$?
log=$(find "$TMP" -name lsp.log | head -1)
[ -n "$log" ] && cp "$log" "$ART/nvim-$VERSION-lsp.log"
exit $rc
