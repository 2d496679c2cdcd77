#!/usr/bin/env bash
# Installs an offline-capable VS Code (code-server 4.96.4, VS Code 1.96) and Chromium for the
# integration and end-to-end tests, on a fresh Debian machine reaching only npm and apt.
# Idempotent: a stamp file marks a finished install.
set -euo pipefail

VERSION=4.96.4
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
DEST="$ROOT/.cache/code-server"
STAMP="$DEST/.installed-$VERSION"
NODE_GYP="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")/node_modules/node-gyp/bin/node-gyp.js"
NODE_DIR="$(dirname "$(dirname "$(readlink -f "$(command -v node)")")")"

log() { printf '[setup-code-server] %s\n' "$*"; }

if [ -f "$STAMP" ]; then
  log "code-server $VERSION already installed in $DEST"
  exit 0
fi

need=()
command -v chromium >/dev/null || need+=(chromium)
command -v rg >/dev/null || need+=(ripgrep)
[ -f /usr/include/gssapi/gssapi.h ] || need+=(libkrb5-dev)
command -v g++ >/dev/null || need+=(g++)
command -v make >/dev/null || need+=(make)
command -v python3 >/dev/null || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    log "missing system packages: ${need[*]} (run as root, or: sudo apt-get install -y ${need[*]})"
    exit 1
  fi
  log "apt-get install ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

rm -rf "$DEST"
mkdir -p "$DEST"
cd "$DEST"
echo '{ "name": "eventscope-code-server", "private": true }' > package.json

# Its install script would fetch from GitHub; every step it takes is done below instead.
log "npm install code-server@$VERSION (scripts skipped)"
npm install "code-server@$VERSION" --ignore-scripts --no-audit --no-fund --loglevel=error

CS="$DEST/node_modules/code-server"
VSCODE="$CS/lib/vscode"

log "VS Code server dependencies"
# The one git-pinned dependency: the same version and integrity from the npm registry.
node -e '
  const fs = require("fs");
  const file = process.argv[1];
  const shrinkwrap = JSON.parse(fs.readFileSync(file, "utf8"));
  const entry = shrinkwrap.packages["node_modules/@vscode/proxy-agent"];
  entry.resolved = `https://registry.npmjs.org/@vscode/proxy-agent/-/proxy-agent-${entry.version}.tgz`;
  fs.writeFileSync(file, JSON.stringify(shrinkwrap, null, 2));
' "$VSCODE/npm-shrinkwrap.json"
(cd "$VSCODE" && npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error)

log "building native modules (kerberos, node-pty, spdlog, watchdog, deviceid)"
(cd "$VSCODE" && npm rebuild kerberos node-pty @vscode/spdlog native-watchdog @vscode/deviceid --nodedir="$NODE_DIR" --loglevel=error >/dev/null)

log "building argon2 from source"
(
  cd "$(cd "$CS" && node -p 'path.dirname(require.resolve("argon2/package.json"))')"
  args=(--nodedir="$NODE_DIR" --module="$PWD/lib/binding/napi-v3/argon2.node" --module_name=argon2 --module_path="$PWD/lib/binding/napi-v3" --napi_build_version=3)
  node "$NODE_GYP" configure "${args[@]}" >/dev/null
  node "$NODE_GYP" build "${args[@]}" >/dev/null
)

log "links (asar, CLI helpers, Debian's ripgrep)"
ln -sfn node_modules "$VSCODE/node_modules.asar"
ln -sf code-linux.sh "$VSCODE/bin/remote-cli/code-server"
ln -sf browser-linux.sh "$VSCODE/bin/helpers/browser.sh"
mkdir -p "$VSCODE/node_modules/@vscode/ripgrep/bin"
ln -sf "$(command -v rg)" "$VSCODE/node_modules/@vscode/ripgrep/bin/rg"

log "built-in extensions' shared dependencies"
(cd "$VSCODE/extensions" && npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error && node postinstall.mjs >/dev/null)

log "checking the native modules load"
(cd "$VSCODE" && node -e 'for (const m of ["kerberos", "node-pty", "@vscode/spdlog", "native-watchdog", "@parcel/watcher"]) require(m)')
(cd "$CS" && node -e 'require("argon2")')

touch "$STAMP"
log "done: $CS"
