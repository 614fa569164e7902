#!/usr/bin/env bash
# pip.sh: the Python side as Python users install it. `pip install .` of a
# clone of this tree into a fresh venv (no mpi4py, no NumPy, no build of
# the C tree) gives the mpimark-py command; every subcommand's --help works
# without MPI; merge and compare run on real result files with the C core
# that pip built (the package's _core library), and the lists come with it.
# Then the runner as `pip install '.[mpi]'` gives it: a venv that sees
# Debian's mpi4py and NumPy (so that no mpi4py is compiled here), where pip
# builds the runner's harness with mpicc (_harness_openmpi), and
# `mpimark-py run` measures with it, outside the tree.
source "$(dirname "$0")/lib.sh"
unset MPIMARK_CORE_LIB # the installed package must find its own C core
src=$(cd "$(dirname "$0")/.." && pwd)
dir=$(workdir)
trap 'rm -rf "$dir"' EXIT

git clone -q "$src" "$dir/src" || fail "cannot clone $src"
/usr/bin/python3 -m venv "$dir/venv" || fail "cannot make a venv (Debian: python3-venv)"
/usr/bin/python3 -m venv --system-site-packages "$dir/venv-mpi" || fail "cannot make a venv"
# With what pyproject.toml pins (its build backend too, through pip's
# isolated build environment).
"$src/scripts/venv" --pins > "$dir/constraints.txt" || fail "scripts/venv --pins failed"
for v in venv venv-mpi; do
  PIP_CONSTRAINT=$dir/constraints.txt "$dir/$v/bin/pip" install -q "$dir/src" > "$dir/pip.log" 2>&1 \
    || { cat "$dir/pip.log"; fail "pip install . failed ($v)"; }
done
grep -q "setuptools==" "$dir/constraints.txt" || fail "no setuptools pin in pyproject.toml"
rm -rf "$dir/src" # the package must not need the tree it came from
py=$dir/venv/bin/mpimark-py
[ -x "$py" ] || fail "pip install . gave no mpimark-py command"
for c in run measure merge compare plot report; do
  "$py" "$c" --help > "$dir/help" 2> "$dir/err" || fail "mpimark-py $c --help exited $?: $(cat "$dir/err")"
  [ ! -s "$dir/err" ] && grep -q "mpimark-py $c" "$dir/help" || fail "mpimark-py $c --help: $(head -2 "$dir/help" "$dir/err")"
done
"$dir/venv/bin/python" -c "import mpi4py" 2> /dev/null && fail "the venv has mpi4py: --help proved nothing"
fx=$(cd "$(dirname "$0")/compare/fixtures" && pwd)
"$py" merge -o "$dir/m.csv" "$fx/round1.csv" "$fx/round2.csv" "$fx/round3.csv" 2> "$dir/err" \
  || fail "mpimark-py merge failed: $(cat "$dir/err")"
[ "$(csv_meta "$dir/m.csv" launches)" = 3 ] || fail "merge: no #@launches=3"
"$py" compare "$fx/a.csv" "$fx/b.csv" > "$dir/out" 2> "$dir/err" || fail "compare failed: $(cat "$dir/err")"
grep -q "^sendrecv" "$dir/out" || fail "compare printed no row: $(head -3 "$dir/out")"
rc=0
"$py" merge -o "$dir/m.csv" "$fx/round1.csv" 2> "$dir/err" || rc=$?
[ $rc = 2 ] && [ "$(wc -l < "$dir/err")" = 1 ] && grep -q "exists" "$dir/err" || fail "merge over a result: exit $rc, $(cat "$dir/err")"
ls "$dir"/venv-mpi/lib/python3*/site-packages/mpimark_py/_harness_openmpi*.so > /dev/null 2>&1 \
  || fail "pip install . with mpicc built no _harness_openmpi"
(cd "$dir" && MPIMARK_BUILD_DIR=/nonexistent launch 2 "$dir/venv-mpi/bin/mpimark-py" run sendrecv bcast \
  -m 8 -i 5 --rounds 1 --format csv > out.csv 2> err) || fail "mpimark-py run in the pip venv: $(cat "$dir/err")"
grep -q "^bcast,buffer" "$dir/out.csv" || fail "mpimark-py run in the pip venv gave no bcast row"
echo "ok: mpimark-py run measured with the pip-built harness"
echo "ok: pip install . gave mpimark-py ($("$dir/venv/bin/pip" show mpimark-py | sed -n 's/^Version: //p'))"
