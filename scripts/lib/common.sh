# Shared by the scripts in scripts/ (sourced, not run): where things are,
# installing Debian packages, building.

set -euo pipefail

MPIMARK_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1

# Separate launches per measurement: mpimark-py measure's default
# (python/mpimark_py/measure.py, the one place it is set), which
# MPIMARK_LAUNCHES overrides; measure reads it from the environment.

# What running mpimark needs, and what the tests need on top.
MPIMARK_RUN_PACKAGES=(build-essential cmake git openmpi-bin libopenmpi-dev libpmix-dev
  gnuplot-nox python3)
MPIMARK_TEST_PACKAGES=("${MPIMARK_RUN_PACKAGES[@]}" mpich libmpich-dev clang
  python3-numpy python3-mpi4py python3-venv python3-dev slurm-wlm slurm-client munge iproute2 file
  procps util-linux chromium chromium-driver poppler-utils
  environment-modules)

say() { echo "[mpimark] $*" >&2; }

# ensure_clang_runtime: libFuzzer and the sanitizers' runtime of Debian's
# clang, whose package names its version (clang 14 on Debian 12, 19 on 13).
ensure_clang_runtime() {
  local major
  major=$(clang -dumpversion 2> /dev/null | cut -d. -f1)
  [ -n "$major" ] || die "clang is not installed (apt-get install clang)"
  ensure_packages "libclang-rt-$major-dev"
}
# usage: the running script's help, its leading comment block (after the #!
# line, up to a shellcheck directive), without the "# " marks.
usage() { awk 'NR == 1 {next} /^# shellcheck/ || !/^#/ {exit} {sub(/^# ?/, ""); print}' "$0"; }
# help_if_asked "$@": with -h or --help first, the help, exit 0 (scripts
# whose only arguments are positional).
help_if_asked() {
  case ${1:-} in -h | --help) usage; exit 0 ;; esac
}
# die: a usage or set-up problem (exit 2); fail: a runtime failure (exit 1).
die() {
  echo "[mpimark] error: $*" >&2
  exit 2
}
fail() {
  echo "[mpimark] error: $*" >&2
  exit 1
}

# ensure_packages PKG...: installs the Debian packages that are missing;
# without root, prints the exact command and stops.
ensure_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2> /dev/null | grep -q "install ok installed" \
      || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    die "missing Debian packages; install them with:
  sudo apt-get update && sudo apt-get install -y ${missing[*]}"
  fi
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq > /dev/null
  apt-get install -y -qq "${missing[@]}" > /dev/null
}

# measured OUT.csv TABLE.txt COMMAND...: scripts/measure of the command
# (separate launches merged: MPIMARK_LAUNCHES, else measure's default) into OUT.csv and
# the table into TABLE.txt (only when it succeeded); returns its status.
measured() {
  local out=$1 table=$2 rc=0
  shift 2
  "$MPIMARK_ROOT/scripts/measure" -o "$out" -- "$@" \
    > "$table.partial" || rc=$?
  if [ $rc -eq 0 ]; then mv "$table.partial" "$table"; else rm -f "$table.partial"; fi
  return $rc
}

# write_report DIR [REPORT OPTIONS]: scripts/report on a finished results folder, so that
# the report's path is the last line the user sees; a failed report keeps
# the results.
write_report() {
  local out
  if out=$("$MPIMARK_ROOT/scripts/report" "$@" 2>&1); then
    say "report: $out"
  else
    say "no report: $out (the results are kept)"
  fi
}

# state_probe MPIMARK: the machine's state now, on 2 local ranks: a cache
# line's round trip between them in ns (mpimark's state probe, #@state_probe_ns
# of a one-cell launch; docs/method.md, Modes). For benchmark scripts that
# compare other programs with mpimark state with state.
state_probe() {
  mpirun -np 2 "$1" sendrecv --path buffer -m 8 -i 1 -x 0 --rounds 1 -q --format csv \
    | sed -n 's/^#@state_probe_ns=\([0-9.]*\).*/\1/p'
}
# build DIR [CMAKE ARGS...]: configures and builds into $MPIMARK_ROOT/DIR
# (or into DIR itself when it is an absolute path).
build() {
  local dir=$1 path
  shift
  case $dir in /*) path=$dir ;; *) path=$MPIMARK_ROOT/$dir ;; esac
  say "building $dir/"
  cmake -S "$MPIMARK_ROOT" -B "$path" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" > /dev/null
  local log="$path/build.log"
  if ! cmake --build "$path" -j "$(nproc)" > "$log" 2>&1; then
    tail -40 "$log" >&2
    fail "build failed in $dir/ (full log: $dir/build.log)"
  fi
  grep -E "warning:" "$log" >&2 || true
}

# new_results_dir [SUFFIX]: a fresh results/<UTC-stamp>[-SUFFIX]/ that no
# earlier run owns (mkdir fails if it exists, so a second run in the same
# second gets its own folder).
new_results_dir() {
  local base="$MPIMARK_ROOT/results/$(date -u +%Y%m%dT%H%M%SZ)${1:+-$1}" dir n=1
  dir=$base
  mkdir -p "$MPIMARK_ROOT/results"
  until mkdir "$dir" 2> /dev/null; do
    n=$((n + 1))
    dir="$base.$n"
  done
  echo "$dir"
}
