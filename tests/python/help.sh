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
# The operations and their summaries: both render common/defs/ops.def.
operations() { sed -n '/^Operations/,/^$/p' "$1"; }
[ "$(operations "$dir/c.txt" | wc -l)" -gt 3 ] || fail "no operation list in the C binary's --help"
diff <(operations "$dir/c.txt") <(operations "$dir/py.txt") || fail "operations differ from the C binary's"
pyrun 2 --version > "$dir/v.txt" || fail "--version exited $?"
[ "$(wc -l < "$dir/v.txt")" -eq 1 ] && grep -q "^mpimark .*mpi4py" "$dir/v.txt" || fail "bad --version"
echo ok
