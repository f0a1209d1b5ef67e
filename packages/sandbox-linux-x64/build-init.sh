#!/usr/bin/env bash
# Rebuilds bin/agent-init from init/agent-init.c: linked statically against musl (Debian's
# musl-tools), so it runs on any x86_64 Linux. `./build-init.sh --deps` installs musl-tools first.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [ "${1:-}" = --deps ]; then
  apt-get update -qq
  apt-get install -y -qq musl-tools
fi
command -v musl-gcc >/dev/null || {
  echo "build-init.sh: musl-gcc is missing: run ./build-init.sh --deps (apt-get install musl-tools)" >&2
  exit 1
}
musl-gcc -static -Os -Wall -Wextra -Werror -o "$here/bin/agent-init" "$here/init/agent-init.c"
strip "$here/bin/agent-init"
sha256sum "$here/bin/agent-init"
