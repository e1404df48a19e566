#!/usr/bin/env bash
# Installs what the e2e tests need: Debian's chromium, ripgrep and libkrb5-dev when missing, and
# code-server into a cache outside the repository. Idempotent: a finished install leaves a marker and a
# second run returns at once.
# code-server is never a dependency of the project: its postinstall checks the exact Node major, builds
# kerberos and lets @vscode/ripgrep download from GitHub, which is unreachable here. So install scripts
# are skipped and the few native parts are rebuilt by hand.
set -euo pipefail

CODE_SERVER_VERSION="${CODE_SERVER_VERSION:-4.100.3}"
CACHE_ROOT="${PASTA_CODE_SERVER_CACHE:-$HOME/.cache/pasta-studio/code-server}"
INSTALL_DIR="$CACHE_ROOT/$CODE_SERVER_VERSION"
MARKER="$INSTALL_DIR/.installed"

log() { echo "setup-code-server: $*" >&2; }

install_apt_packages() {
  local missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -x /usr/bin/rg ] || missing+=(ripgrep)
  dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing apt packages: ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_code_server() {
  if [ -f "$MARKER" ]; then
    log "code-server $CODE_SERVER_VERSION already installed at $INSTALL_DIR"
    return 0
  fi
  local staging
  mkdir -p "$CACHE_ROOT"
  staging="$(mktemp -d "$CACHE_ROOT/.staging.XXXXXX")"
  trap 'rm -rf "$staging"' EXIT
  log "installing code-server $CODE_SERVER_VERSION into $INSTALL_DIR"

  # node-pty's build runs `npx node-gyp`, which would otherwise wait for a TTY.
  export npm_config_yes=true
  export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

  (cd "$staging" && echo '{"private":true}' > package.json \
    && npm install --ignore-scripts --no-save "code-server@$CODE_SERVER_VERSION" >/dev/null \
    && npm rebuild argon2 >/dev/null)

  local cs="$staging/node_modules/code-server"
  local vscode="$cs/lib/vscode"
  (cd "$vscode" && npm install --omit=dev --ignore-scripts >/dev/null)
  mkdir -p "$vscode/node_modules/@vscode/ripgrep/bin"
  ln -sf /usr/bin/rg "$vscode/node_modules/@vscode/ripgrep/bin/rg"
  (cd "$vscode" && npm rebuild >/dev/null)
  ln -sfn node_modules "$vscode/node_modules.asar"
  ln -sf code-linux.sh "$vscode/bin/remote-cli/code-server"
  ln -sf browser-linux.sh "$vscode/bin/helpers/browser.sh"
  (cd "$vscode/extensions" && npm install --omit=dev >/dev/null)

  # Publish atomically: a half-finished install never looks finished.
  rm -rf "$INSTALL_DIR"
  mv "$staging" "$INSTALL_DIR"
  trap - EXIT
  touch "$MARKER"
  log "done"
}

install_apt_packages
install_code_server
echo "$INSTALL_DIR/node_modules/code-server/out/node/entry.js"
