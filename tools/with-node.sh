#!/usr/bin/env bash
# tools/with-node.sh <version> <command> [args...]: runs the command with that Node.js first on
# PATH, so the tests can run on another supported Node than the machine's (CI runs them on the
# newest too). The official binaries come from the npm registry, whose node-<os>-<arch> packages
# carry them (npm checks their integrity); each version is fetched once into .vigil/node/.
set -euo pipefail
if [ "$#" -lt 2 ]; then
  echo "usage: tools/with-node.sh <node version, e.g. 24.22.3> <command> [args...]" >&2
  exit 2
fi
version="$1"
shift
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/.vigil/node/$version"
if [ ! -x "$dir/bin/node" ]; then
  package="node-$(node -p process.platform)-$(node -p process.arch)@$version"
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  echo "with-node: fetching $package from the npm registry" >&2
  (cd "$work" && npm pack --silent "$package" >/dev/null)
  rm -rf "$dir.partial" && mkdir -p "$dir.partial"
  tar -xzf "$work"/*.tgz -C "$dir.partial" --strip-components=1
  rm -rf "$dir" && mv "$dir.partial" "$dir"
fi
echo "with-node: $("$dir/bin/node" --version) for: $*" >&2
PATH="$dir/bin:$PATH" "$@"
