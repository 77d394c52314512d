#!/usr/bin/env bash
# npm run test:e2e: the Angular example (examples/angular) built and driven in Debian's Chromium.
# Installs Chromium with apt when missing, installs the example's dependencies from its lockfile, builds the
# library and the app, then runs test/e2e/*.e2e.ts (which start the local server, the relay and the browser).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
step() {
  local name=$1
  shift
  local start=$SECONDS
  echo "== e2e: $name"
  "$@"
  echo "== e2e: $name took $((SECONDS - start)) s"
}

install_chromium() {
  if [ -x /usr/bin/chromium ]; then
    echo "/usr/bin/chromium is installed"
    return
  fi
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  $sudo apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y chromium
}

in_example() { (cd examples/angular && "$@"); }

step "chromium" install_chromium
step "build the library" npm run build
# `npm ci` packs the freshly built library (install-links, see examples/angular/.npmrc).
step "install the example" in_example npm ci
step "unit tests of the example" in_example npm test
step "type-check the relay" in_example npm run typecheck:relay
step "build the example" in_example npx ng build --stats-json
step "end-to-end tests" npx vitest run --config "$root/vitest.e2e.config.ts"
