#!/usr/bin/env bash
# memory.sh c|python: the memory bound per rank (--memory, like OSU's -M).
# On 2 ranks with a 3 MiB bound, sendrecv, scatter and gather on both paths
# from 64 KiB to 1 MiB keep exactly the sizes mm_memory_fits lets through
# (worked out by hand below), the rest are named in #@memory_skipped and in
# a note under the table, and no row of a skipped size is left; without
# --memory the bound is the default's and nothing here is skipped.
# The C binary ($MPIMARK) or the mpi4py runner ($PYTHON $MPIMARK_PY).
source "$(dirname "$0")/../lib.sh"
runner=$1
dir=$(workdir)
trap 'rm -rf "$dir"' EXIT
runner_prog "$runner"
args=(sendrecv scatter gather --path both -m 64K:1M -i 2 --rounds 1)

# Buffers are sized once for what fits (send s, receive r), a pickled path
# adds twice its messages: sendrecv object 512 KiB needs 1+1+2*(0.5+0.5)
# = 4 MiB; scatter and gather object 64 KiB 2+1+2*(0.125+0.0625) > 3 MiB
# (scatter's buffer path already holds 2 x 1 MiB); gather buffer 1 MiB
# needs 2+2 MiB.
want="sendrecv object from 512 KiB; scatter object from 64 KiB; gather buffer from 1 MiB; gather object from 64 KiB"
launch 2 "${prog[@]}" "${args[@]}" -M 3M -q --format csv -o "$dir/bound.csv" > /dev/null \
  || fail "-M 3M exited $?"
got=$(csv_meta "$dir/bound.csv" memory_skipped)
[ "$got" = "$want" ] || fail "#@memory_skipped is '$got', want '$want'"
[ "$(csv_meta "$dir/bound.csv" memory_bound_bytes)" = 3145728 ] || fail "#@memory_bound_bytes is not 3 MiB"
csv_select "$dir/bound.csv" op,path,bytes | sort -u > "$dir/rows"
for skipped in "sendrecv,object,524288" "sendrecv,object,1048576" "scatter,object,65536" \
  "gather,buffer,1048576" "gather,object,65536"; do
  ! grep -qx "$skipped" "$dir/rows" || fail "a row of $skipped, which is over the bound"
done
for kept in "sendrecv,object,262144" "sendrecv,buffer,1048576" "scatter,buffer,1048576" \
  "gather,buffer,524288"; do
  grep -qx "$kept" "$dir/rows" || fail "no row of $kept, which fits the bound"
done
launch 2 "${prog[@]}" "${args[@]}" -M 3M -q > "$dir/table.txt" || fail "table run exited $?"
# put_note breaks long lines at a space, continuing them with "#  ".
sed -e ':a' -e 'N' -e '$!ba' -e 's/\n#  //g' "$dir/table.txt" | grep -qF \
  "# skipped, over the memory bound of 3.00 MiB per rank (--memory): ${want}" \
  || { cat "$dir/table.txt" >&2; fail "the table lacks the note on the skipped sizes"; }
echo "ok: -M 3M skips $want"

launch 2 "${prog[@]}" "${args[@]}" -q --format csv -o "$dir/auto.csv" > /dev/null || fail "auto exited $?"
[ "$(csv_meta "$dir/auto.csv" memory_skipped)" = none ] || fail "the default bound skipped sizes"
[[ $(csv_meta "$dir/auto.csv" memory_bound) == auto:* ]] || fail "#@memory_bound does not say auto"
echo "ok: the default bound ($(csv_meta "$dir/auto.csv" memory_bound_bytes) bytes) skips nothing here"
