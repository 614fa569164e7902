#!/usr/bin/env bash
# versions.sh GENERATION: the runner on $PYTHON, whose mpi4py is of that
# generation (3: Debian's python3-mpi4py; 4: scripts/venv's, at the pinned
# versions), records the Python, mpi4py and NumPy it ran (#@python_version,
# #@mpi4py_version, #@numpy_version: the interpreter's own, and for 4 the
# pins of pyproject.toml) and #@mpi4py_protocol; it refuses --mpi4py of the
# other generation for a path that pickles (one line, exit 2, no results
# file), and takes it for the buffer path, which does not depend on it.
source "$(dirname "$0")/lib.sh"
gen=${1:?usage: versions.sh 3|4}
other=$((7 - gen))
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=$(workdir)
trap 'rm -rf "$dir"' EXIT
read -r py mpi4py numpy < <("$PYTHON" -c 'import platform, mpi4py, numpy; print(platform.python_version(), mpi4py.__version__, numpy.__version__)') \
  || fail "$PYTHON has no mpi4py and numpy"
[ "${mpi4py%%.*}" = "$gen" ] || fail "$PYTHON has mpi4py $mpi4py, not $gen.x"
if [ "$gen" = 4 ]; then # the venv holds what pyproject.toml pins
  pins=$("$root/scripts/venv" --pins)
  grep -qx "mpi4py==$mpi4py" <<< "$pins" || fail "mpi4py $mpi4py is not the pinned one: $pins"
  grep -qx "numpy==$numpy" <<< "$pins" || fail "numpy $numpy is not the pinned one: $pins"
  [ "${numpy%%.*}" = 2 ] || fail "the venv's NumPy is $numpy, not 2.x"
fi

run=(sendrecv -m 8 -i 2 -x 0 --rounds 1 -q --format csv)
pyrun 2 "${run[@]}" --path object -o "$dir/r.csv" > /dev/null || fail "the runner exited $?"
for kv in "python_version=$py" "mpi4py_version=$mpi4py" "numpy_version=$numpy" "mpi4py_protocol=$gen"; do
  [ "$(csv_meta "$dir/r.csv" "${kv%%=*}")" = "${kv#*=}" ] \
    || fail "#@${kv%%=*} is '$(csv_meta "$dir/r.csv" "${kv%%=*}")', not '${kv#*=}'"
done
echo "ok: the runner records Python $py, mpi4py $mpi4py, NumPy $numpy, protocol $gen"

rc=0
pyrun 2 "${run[@]}" --path object --mpi4py "$other" -o "$dir/refused.csv" > "$dir/out" 2> "$dir/err" || rc=$?
[ $rc = 2 ] || fail "--mpi4py $other on mpi4py $mpi4py exited $rc, not 2"
# One line of the runner's (the rest is the launcher's report of exit 2).
[ "$(grep -c '^mpimark:' "$dir/err")" = 1 ] && grep -q "^mpimark: --mpi4py $other: this Python has mpi4py $mpi4py" "$dir/err" \
  || fail "--mpi4py $other: not one line naming it: $(cat "$dir/err")"
[ ! -e "$dir/refused.csv" ] || fail "the refused run wrote a results file"
pyrun 2 "${run[@]}" --path buffer --mpi4py "$other" -o "$dir/buffer.csv" > /dev/null \
  || fail "--mpi4py $other with --path buffer exited $?"
echo "ok: --mpi4py $other refused for the object path, taken for the buffer path"
