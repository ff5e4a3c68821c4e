#!/usr/bin/env bash
# VS Code end-to-end test: install the packaged .vsix into a fresh code-server profile, open a copy of
# tests/editors/fixtures/ and drive it in Chromium (drive.mjs).
# Usage: run.sh CODE_SERVER_BIN VSIX ARTIFACTS_DIR
# Env:   SPMD_VENV      virtualenv with spmd-lsp (default the checkout's .venv)
#        SPMD_VSCODE_DISCOVERY  how the extension is told about the server:
#                       interpreter (default: spmdTypes.server.interpreter = $SPMD_VENV/bin/python, which runs
#                       the server bundled in the .vsix),
#                       command (spmdTypes.server.command = $SPMD_LSP_CMD), or
#                       path (no setting; $SPMD_VENV/bin first on PATH; code-server's extension host may take
#                       PATH from a login shell instead)
#        SPMD_LSP_CMD   server command line for the command mode (default $SPMD_VENV/bin/spmd-lsp)
#        SPMD_E2E_SCENARIO  server (default); missing-server (the notification when no interpreter can run
#                       the server: the interpreter setting names a Python too old for it);
#                       python-extension (the bundled server runs with the interpreter that a test double of
#                       ms-python.python reports: SPMD_PYEXT_INTERPRETER, default $SPMD_VENV/bin/python)
#        CHROMIUM       browser binary (default /usr/bin/chromium)
set -euo pipefail
CS=${1:?usage: run.sh CODE_SERVER_BIN VSIX ARTIFACTS_DIR} VSIX=${2:?vsix} ART=${3:?artifacts dir}
HERE=$(cd "$(dirname "$0")" && pwd)
SPMD_VENV=${SPMD_VENV:-$(cd "$HERE/../../.." && pwd)/.venv}
MODE=${SPMD_VSCODE_DISCOVERY:-}
SCENARIO=${SPMD_E2E_SCENARIO:-server}
if [ "$SCENARIO" = missing-server ]; then
  MODE=missing  # the interpreter setting names a Python too old to run the server
elif [ "$SCENARIO" = python-extension ]; then
  MODE=python-extension  # no setting: the interpreter comes from (a test double of) ms-python.python
  PYEXT_PY=${SPMD_PYEXT_INTERPRETER:-$SPMD_VENV/bin/python}
elif [ -z "$MODE" ]; then
  MODE=interpreter
fi
echo "server discovery mode: $MODE"
TMP=$(mktemp -d /tmp/spmd-vscode-e2e.XXXXXX)
mkdir -p "$TMP/user/User" "$TMP/ext" "$TMP/ws" "$ART"
cp "$HERE/../fixtures/"*.py "$TMP/ws/"

json_str() { python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$1"; }
case "$MODE" in
  interpreter) SERVER_SETTING="\"spmdTypes.server.interpreter\": $(json_str "$SPMD_VENV/bin/python")," ;;
  command) SERVER_SETTING="\"spmdTypes.server.command\": $(python3 -c 'import json,shlex,sys; print(json.dumps(shlex.split(sys.argv[1])))' "${SPMD_LSP_CMD:-$SPMD_VENV/bin/spmd-lsp}")," ;;
  path) SERVER_SETTING=""; export PATH="$SPMD_VENV/bin:$PATH" ;;
  python-extension) SERVER_SETTING="\"fakePython.interpreter\": $(json_str "$PYEXT_PY"),"
    (cd "$HERE/fake-python-ext" && "$(dirname "$VSIX")/node_modules/.bin/vsce" package --allow-missing-repository \
      -o "$TMP/fake-python.vsix" > "$TMP/fake-python-package.log" 2>&1) || { cat "$TMP/fake-python-package.log"; exit 1; } ;;
  missing) # a stand-in for a Python 3.9: it answers the launcher's probe the way an old Python does
    mkdir -p "$TMP/old-python/bin"
    printf '#!/bin/sh\necho "spmd-lsp needs Python 3.11 or newer; $0 is Python 3.9.2" >&2\nexit 3\n' > "$TMP/old-python/bin/python"
    chmod +x "$TMP/old-python/bin/python"
    SERVER_SETTING="\"spmdTypes.server.interpreter\": $(json_str "$TMP/old-python/bin/python")," ;;
  *) echo "unknown SPMD_VSCODE_DISCOVERY=$MODE" >&2; exit 2 ;;
esac
cat > "$TMP/user/User/settings.json" <<JSON
{
  $SERVER_SETTING
  "spmdTypes.logLevel": "debug",
  "security.workspace.trust.enabled": false,
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "telemetry.telemetryLevel": "off",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "update.mode": "none",
  "editor.hover.delay": 150,
  "editor.minimap.enabled": false,
  "editor.lightbulb.enabled": "on",
  "editor.hover.above": false,
  "chat.disableAIFeatures": true,
  "window.zoomLevel": 0
}
JSON
# keep code-server's ~/.local/share/code-server and ~/.config/code-server, VS Code's caches and
# Chromium's ~/.pki out of the real home: the test writes only under $TMP (and $ART)
mkdir -p "$TMP/home"
export HOME="$TMP/home" XDG_DATA_HOME="$TMP/xdg-data" XDG_CONFIG_HOME="$TMP/xdg-config" \
  XDG_CACHE_HOME="$TMP/xdg-cache" XDG_STATE_HOME="$TMP/xdg-state"
COMMON=(--user-data-dir "$TMP/user" --extensions-dir "$TMP/ext" --config "$TMP/config.yaml")
"$CS" "${COMMON[@]}" --install-extension "$VSIX" > "$TMP/install.log" 2>&1 || { cat "$TMP/install.log"; exit 1; }
if [ -f "$TMP/fake-python.vsix" ]; then
  "$CS" "${COMMON[@]}" --install-extension "$TMP/fake-python.vsix" >> "$TMP/install.log" 2>&1 || { cat "$TMP/install.log"; exit 1; }
fi
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# own process group, so that the whole tree (also the orphan-prone file watcher) is killed at the end
setsid "$CS" "${COMMON[@]}" --auth none --bind-addr "127.0.0.1:$PORT" --disable-telemetry \
  --disable-update-check --disable-workspace-trust --disable-getting-started-override "$TMP/ws" \
  > "$TMP/code-server.log" 2>&1 &
CS_PID=$!
cleanup() {
  kill -- "-$CS_PID" 2>/dev/null || true
  # logs next to the screenshots: code-server's, and the extension's Output channel
  cp "$TMP/code-server.log" "$ART/" 2>/dev/null || true
  find "$TMP/user/logs" -name '*SPMD Types*.log' -exec cp {} "$ART/spmd-types-output.log" \; 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT
for _ in $(seq 1 150); do
  curl -fs -o /dev/null "http://127.0.0.1:$PORT/healthz" && break; sleep 0.2
done
rc=0
node "$HERE/drive.mjs" "http://127.0.0.1:$PORT/?folder=$TMP/ws" "$TMP/ws" "$ART" || rc=$?
# the server's log reaches the output channel at its own level: no line filed as an error
# (VS Code files every stderr line as one)
if [ "${SPMD_E2E_SCENARIO:-server}" = server ]; then
  sleep 1 # let VS Code write the channel's log file
  out=$(find "$TMP/user/logs" -name '*SPMD Types*.log' 2>/dev/null | head -1 || true)
  if [ -z "$out" ]; then
    echo "[vscode] FAIL: no SPMD Types output channel log"; rc=1
  elif grep -q '\[error\]' "$out"; then
    echo "[vscode] FAIL: the SPMD Types output channel has lines filed as errors:"; grep '\[error\]' "$out" | head -5; rc=1
  else
    echo "[vscode] ok: no line of the SPMD Types output channel is filed as an error ($(wc -l < "$out") lines)"
  fi
fi
exit $rc
