#!/usr/bin/env bash
# Prepares what the real-VS-Code test suites need, once per machine/checkout:
#   - Debian packages: chromium (the browser that shows the workbench), ripgrep (its `rg`
#     replaces a download during the code-server install), libkrb5-dev (headers for a native
#     module of code-server);
#   - code-server (VS Code's server build) in .vscode-test/code-server, a folder git ignores.
# code-server is not a dependency in package.json: `npm ci` for users must not need apt packages.
# Idempotent and silent when everything is in place. Exit code non-zero with a message when
# something cannot be installed.
set -euo pipefail

CODE_SERVER_VERSION="4.100.3"
RIPGREP_PACKAGE_VERSION="1.15.11"
RIPGREP_RELEASE="v13.0.0-10"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
install_dir="$root/.vscode-test/code-server"
marker="$install_dir/.installed-$CODE_SERVER_VERSION"
entry="$install_dir/node_modules/code-server/out/node/entry.js"

say() { echo "[setup-vscode-test] $*"; }
fail() { echo "[setup-vscode-test] error: $*" >&2; exit 1; }

# CHROMIUM_PATH (also read by test/harness/browser.ts) points at another Chromium-based browser.
chromium_path() {
  for candidate in "${CHROMIUM_PATH:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
    [ -n "$candidate" ] || continue
    if [ -x "$candidate" ]; then echo "$candidate"; return 0; fi
  done
  return 1
}

# Fast path: everything already there.
if [ -f "$marker" ] && [ -f "$entry" ] && chromium_path >/dev/null; then
  exit 0
fi

node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" != "20" ]; then
  fail "code-server $CODE_SERVER_VERSION needs Node 20 (found $(node -v)). Run the tests with Node 20."
fi

# --- Debian packages -------------------------------------------------------------------------
missing=()
chromium_path >/dev/null || missing+=(chromium)
command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
if [ ! -f "$entry" ] && [ ! -f /usr/include/krb5.h ] && [ ! -f /usr/include/krb5/krb5.h ]; then
  missing+=(libkrb5-dev)
fi
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    say "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null || fail "apt-get update failed"
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
      || fail "apt-get install ${missing[*]} failed"
  else
    fail "missing system packages: ${missing[*]}. Install them (Debian/Ubuntu: sudo apt-get install -y chromium libkrb5-dev ripgrep) and run the tests again."
  fi
fi

# --- code-server -----------------------------------------------------------------------------
if [ -f "$marker" ] && [ -f "$entry" ]; then
  exit 0
fi

say "installing code-server $CODE_SERVER_VERSION into .vscode-test/code-server (one time, about a minute)"
rm -rf "$install_dir"
mkdir -p "$install_dir"
# allowScripts: code-server's postinstall installs VS Code's own modules and builds the native ones.
cat >"$install_dir/package.json" <<'JSON'
{
  "name": "vscode-test-code-server",
  "private": true,
  "description": "code-server for the project's tests; created by scripts/setup-vscode-test.sh",
  "allowScripts": { "code-server": true, "argon2": true }
}
JSON

# @vscode/ripgrep downloads `rg` in its postinstall unless its cache already holds the archive:
# give it one made from the system's ripgrep.
case "$(uname -m)" in
  x86_64) rg_target="x86_64-unknown-linux-musl" ;;
  aarch64 | arm64) rg_target="aarch64-unknown-linux-musl" ;;
  *) rg_target="" ;;
esac
if [ -n "$rg_target" ]; then
  tmp_root="$(node -p 'require("os").tmpdir()')"
  rg_cache="$tmp_root/vscode-ripgrep-cache-$RIPGREP_PACKAGE_VERSION"
  rg_archive="$rg_cache/ripgrep-$RIPGREP_RELEASE-$rg_target.tar.gz"
  if [ ! -s "$rg_archive" ]; then
    mkdir -p "$rg_cache"
    staging="$(mktemp -d)"
    cp "$(command -v rg)" "$staging/rg"
    tar -C "$staging" -czf "$rg_archive.tmp" rg
    mv "$rg_archive.tmp" "$rg_archive"
    rm -rf "$staging"
  fi
fi

# As root, code-server's postinstall needs unsafe-perm; node-pty's install runs `npx node-gyp`,
# which would wait for a "yes". Native modules build against the local Node headers when present.
export npm_config_unsafe_perm=true
export npm_config_yes=true
export npm_config_audit=false
export npm_config_fund=false
export npm_config_update_notifier=false
node_prefix="$(node -p 'require("path").resolve(process.execPath, "..", "..")')"
configured_nodedir="$(npm config get nodedir 2>/dev/null || true)"
if [ -z "${npm_config_nodedir:-}" ] && [ -f "$node_prefix/include/node/node.h" ]; then
  case "$configured_nodedir" in
    "" | undefined | null) export npm_config_nodedir="$node_prefix" ;;
  esac
fi

log="$root/.vscode-test/code-server-install.log"
if ! (cd "$install_dir" && npm install --no-save --no-package-lock --foreground-scripts \
  "code-server@$CODE_SERVER_VERSION") >"$log" 2>&1; then
  tail -n 40 "$log" >&2
  fail "npm install code-server@$CODE_SERVER_VERSION failed (full log: $log)"
fi

# The install must have run code-server's postinstall (it installs VS Code's own modules and
# builds the native ones); check the pieces the tests rely on instead of trusting the exit code.
vscode_modules="$install_dir/node_modules/code-server/lib/vscode/node_modules"
for module in node-pty @vscode/spdlog @parcel/watcher @vscode/ripgrep; do
  [ -d "$vscode_modules/$module" ] || fail "code-server's postinstall did not install $module (log: $log)"
done
[ -x "$vscode_modules/@vscode/ripgrep/bin/rg" ] || fail "code-server's ripgrep binary is missing (log: $log)"
(cd "$install_dir/node_modules/code-server/lib/vscode" && node -e '
  require("node-pty"); require("@vscode/spdlog"); require("@parcel/watcher");
') >>"$log" 2>&1 || fail "code-server's native modules do not load (log: $log)"
# code-server writes a default config file on start: keep it out of the home folder.
scratch="$(mktemp -d)"
version_output="$(XDG_CONFIG_HOME="$scratch" XDG_DATA_HOME="$scratch" node "$entry" --version 2>>"$log" \
  | grep -E '^[0-9]+\.[0-9]+\.[0-9]+' | head -n 1)" || true
rm -rf "$scratch"
case "$version_output" in
  "$CODE_SERVER_VERSION"*) ;;
  *) fail "unexpected code-server version: $version_output (log: $log)" ;;
esac

echo "$version_output" >"$marker"
say "code-server $version_output ready"
