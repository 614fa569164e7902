#!/usr/bin/env bash
# build_id.sh: the commit in --version and the metadata comes from the
# build, not from configure time: a clean clone says the commit, an edit of
# a tracked file followed by a rebuild says "-dirty", and a tree without git
# (a tarball) says "unknown".
source "$(dirname "$0")/lib.sh"
src=$(cd "$(dirname "$0")/.." && pwd)
dir=$(workdir)
trap 'rm -rf "$dir"' EXIT
version() { "$1/bin/mpimark" --version | sed -n 's/.*(git \(.*\))$/\1/p'; }

git clone -q "$src" "$dir/src" || fail "cannot clone $src"
want=$(git -C "$dir/src" rev-parse --short=12 HEAD)
cmake -S "$dir/src" -B "$dir/b" > /dev/null || fail "configure failed"
cmake --build "$dir/b" -j "$(nproc)" --target mpimark > "$dir/log" 2>&1 || fail "build failed"
got=$(version "$dir/b")
[ "$got" = "$want" ] || fail "clean clone: --version says '$got', want '$want'"

echo "# edited" >> "$dir/src/README.md"
cmake --build "$dir/b" -j "$(nproc)" --target mpimark > "$dir/log" 2>&1 || fail "rebuild failed"
got=$(version "$dir/b")
[ "$got" = "$want-dirty" ] || fail "after an edit and a rebuild: '$got', want '$want-dirty'"

rm -rf "$dir/src/.git"
cmake --build "$dir/b" -j "$(nproc)" --target mpimark > "$dir/log" 2>&1 || fail "tarball rebuild failed"
got=$(version "$dir/b")
[ "$got" = unknown ] || fail "without git: '$got', want 'unknown'"
echo "ok: $want, $want-dirty, unknown"
