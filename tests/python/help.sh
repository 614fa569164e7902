#!/usr/bin/env bash
# help.sh: the mpi4py runner offers the C binary's options (same names,
# short names, arguments and defaults) and operations (benchmarks/ops.def,
# in order); --help and --version exit 0 and print only from rank 0.
source "$(dirname "$0")/lib.sh"
dir=$(workdir)
trap 'rm -rf "$dir"' EXIT
pyrun 2 --help > "$dir/py.txt" || fail "--help exited $?"
launch 1 "$MPIMARK" --help > "$dir/c.txt" || fail "the C binary's --help failed"
[ "$(grep -c '^Usage:' "$dir/py.txt")" -eq 1 ] || fail "--help printed by more than one rank"
# Option lines: the left column and the default, without the help text.
options() {
  grep -E '^ +-' "$1" | sed -E 's/^(.{32}).*\((default [^)]*)\)$/\1#\2/; s/^(.{32})[^#]*$/\1/; s/ +(#|$)/\1/'
}
diff <(options "$dir/c.txt") <(options "$dir/py.txt") || fail "options differ from the C binary's"
ops_def=$(sed -n 's/^MM_OP(\([a-z0-9_]*\)).*/\1/p' "$(dirname "$0")/../../benchmarks/ops.def")
ops_py=$(sed -n '/^Operations/,/^$/s/^  \([a-z0-9_]*\) .*/\1/p' "$dir/py.txt")
[ "$ops_py" = "$ops_def" ] || fail "operations differ from benchmarks/ops.def:
$ops_def
--
$ops_py"
pyrun 2 --version > "$dir/v.txt" || fail "--version exited $?"
[ "$(wc -l < "$dir/v.txt")" -eq 1 ] && grep -q "^mpimark .*mpi4py" "$dir/v.txt" || fail "bad --version"
echo ok
