#!/usr/bin/env bash
# Install code-server (VS Code in the browser) from the npm registry, with no other network access.
# Usage: install-code-server.sh DEST_DIR   -> DEST_DIR/node_modules/.bin/code-server
# Idempotent: does nothing when DEST_DIR already has the wanted version.
# code-server 4.100.3 (= VS Code 1.100.3) is the newest release on npm that runs on Node 20.
# Needs (Debian): libkrb5-dev ripgrep g++ make python3 -- .ci/editors installs them.
set -euo pipefail
DEST=${1:?usage: install-code-server.sh DEST_DIR}
CS_VERSION=${CS_VERSION:-4.100.3}
BIN="$DEST/node_modules/.bin/code-server"
if [ -x "$BIN" ] && [ -f "$DEST/.installed-$CS_VERSION" ]; then
  echo "code-server $CS_VERSION already installed in $DEST"; exit 0
fi
mkdir -p "$DEST" && cd "$DEST"
rm -f .installed-*
[ -f package.json ] || echo '{"name":"code-server-install","private":true}' > package.json
# 1. code-server without its postinstall (that would download ripgrep from GitHub)
npm install --ignore-scripts --no-audit --no-fund --no-save "code-server@$CS_VERSION"
# 2. VS Code's own runtime dependencies, again without scripts
cd node_modules/code-server/lib/vscode
npm install --omit=dev --ignore-scripts --no-audit --no-fund
# 3. ripgrep from Debian: @vscode/ripgrep's postinstall exits early when bin/ exists
mkdir -p node_modules/@vscode/ripgrep/bin
cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
# 4. native modules (node-pty, kerberos, spdlog...). node-pty runs `npx node-gyp`: force npx to say yes.
npm_config_yes=true npm rebuild
# 5. code-server's own postinstall + argon2; postinstall.sh refuses to run as root without unsafe_perm
cd "$DEST"
npm_config_unsafe_perm=true npm_config_yes=true npm rebuild
# Any code-server command, --version included, writes a default config.yaml (with a password)
# where --config points, else to ~/.config/code-server/: keep it and the data dir in a
# temporary folder, never in the user's home.
probe=$(mktemp -d /tmp/spmd-code-server-probe.XXXXXX)
XDG_CONFIG_HOME="$probe/config" XDG_DATA_HOME="$probe/data" \
  "$BIN" --config "$probe/config.yaml" --user-data-dir "$probe/data" --version
rm -rf "$probe"
touch "$DEST/.installed-$CS_VERSION"
