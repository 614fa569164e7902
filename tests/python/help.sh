#!/usr/bin/env bash
# help.sh: the mpi4py runner offers the C binary's options (both render
# common/defs/options.def: names, short names, arguments, defaults, help)
# and operations (common/defs/ops.def, in order); --help and --version exit 0 and print only from rank 0.
source "$(dirname "$0")/lib.sh"
dir=$(workdir)
trap 'rm -rf "$dir"' EXIT
pyrun 2 --help > "$dir/py.txt" || fail "--help exited $?"
launch 1 "$MPIMARK" --help > "$dir/c.txt" || fail "the C binary's --help failed"
[ "$(grep -c '^Usage:' "$dir/py.txt")" -eq 1 ] || fail "--help printed by more than one rank"
# The option list, help text included: both render common/defs/options.def.
options() { sed -n '/^Options:/,/^$/p' "$1"; }
[ "$(options "$dir/c.txt" | wc -l)" -gt 10 ] || fail "no option list in the C binary's --help"
diff <(options "$dir/c.txt") <(options "$dir/py.txt") || fail "options differ from the C binary's"
ops_def=$(sed -n 's/^MM_OP(\([a-z0-9_]*\)).*/\1/p' "$(dirname "$0")/../../common/defs/ops.def")
ops_py=$(sed -n '/^Operations/,/^$/s/^  \([a-z0-9_]*\) .*/\1/p' "$dir/py.txt")
[ "$ops_py" = "$ops_def" ] || fail "operations differ from common/defs/ops.def:
$ops_def
--
$ops_py"
pyrun 2 --version > "$dir/v.txt" || fail "--version exited $?"
[ "$(wc -l < "$dir/v.txt")" -eq 1 ] && grep -q "^mpimark .*mpi4py" "$dir/v.txt" || fail "bad --version"
echo ok
