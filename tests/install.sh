#!/usr/bin/env bash
# install.sh: mpimark as an HPC site installs it. From a clone of this tree:
# build, `cmake --install --prefix`, build the Debian package (cpack) and
# list it; then remove the clone and its build, and run the installed
# pingpong.slurm outside Slurm from another folder: it uses PREFIX/bin,
# writes its results under that folder (plots too), and never builds; then
# every other installed entry point: the collectives and scaling templates,
# the mpi4py runner under mpirun -np 2, measure, compare (scripts/ and
# bin/mpimark-py), plot and report.
# With the binary gone the template refuses with one clear error and keeps
# nothing.
source "$(dirname "$0")/lib.sh"
unset MPIMARK_CORE_LIB # the installed package must find its own C core
src=$(cd "$(dirname "$0")/.." && pwd)
dir=$(workdir)
trap 'rm -rf "$dir"' EXIT

git clone -q "$src" "$dir/src" || fail "cannot clone $src"
cmake -S "$dir/src" -B "$dir/b" > /dev/null || fail "configure failed"
cmake --build "$dir/b" -j "$(nproc)" --target mpimark montecarlo_pi mpimark_core mpimark_harness > "$dir/log" 2>&1 \
  || { tail -20 "$dir/log"; fail "build failed"; }
cmake --install "$dir/b" --prefix "$dir/prefix" > "$dir/log" 2>&1 || { cat "$dir/log"; fail "install failed"; }
for f in bin/mpimark bin/montecarlo_pi share/mpimark/slurm/pingpong.slurm share/mpimark/slurm/lib.sh \
  share/mpimark/scripts/plot share/mpimark/scripts/compare share/mpimark/python/mpimark_py/stats.py \
  share/mpimark/python/mpimark_py/libmpimark_core.so share/mpimark/python/mpimark_py/defs/ops.def \
  share/mpimark/python/mpimark_py/libmpimark_harness_openmpi.so \
  bin/mpimark-py share/mpimark/programs/python/mpimark.py share/mpimark/benchmarks/python/mpimark.py \
  share/doc/mpimark/README.md; do
  [ -e "$dir/prefix/$f" ] || fail "not installed: $f"
done

(cd "$dir/b" && cpack -G DEB > "$dir/cpack.log" 2>&1) || { cat "$dir/cpack.log"; fail "cpack -G DEB failed"; }
deb=$(ls "$dir"/b/mpimark_*.deb) || fail "no .deb written"
dpkg-deb -c "$deb" > "$dir/contents"
for f in ./usr/bin/mpimark ./usr/bin/montecarlo_pi ./usr/share/mpimark/slurm/pingpong.slurm \
  ./usr/share/mpimark/scripts/plot ./usr/share/mpimark/python/mpimark_py/stats.py; do
  grep -q " $f$" "$dir/contents" || fail "the package lacks $f"
done
dpkg-deb -f "$deb" Depends | grep -qE "openmpi-bin|mpich" || fail "the package declares no MPI dependency"

rm -rf "$dir/src" "$dir/b" # the source tree is gone
mkdir "$dir/run"
cd "$dir/run" || fail "cd"
MPIMARK_ARGS="-m 8 -i 5 --rounds 2" bash "$dir/prefix/share/mpimark/slurm/pingpong.slurm" \
  > "$dir/job.log" 2>&1 || { cat "$dir/job.log"; fail "the installed template failed"; }
grep -q "repository $dir/prefix/share/mpimark" "$dir/job.log" || { cat "$dir/job.log"; fail "not run from the prefix"; }
csv=$(ls "$dir"/run/results/*/mpimark.csv 2> /dev/null) || { cat "$dir/job.log"; fail "no results CSV under the submit folder"; }
[ "$(csv_meta "$csv" ranks)" = 2 ] || fail "results ran with $(csv_meta "$csv" ranks) ranks"
ls "$(dirname "$csv")"/bandwidth.svg > /dev/null || fail "no plots from the installed scripts/plot"

# Every other installed entry point, still without the source tree.
share=$dir/prefix/share/mpimark
# (The default scaling study, with fewer samples and one repetition: the
# template and its defaults are under test here, not the machine.)
for template in collectives scaling; do
  MPIMARK_ARGS="-m 8 -i 5 --rounds 2" MPIMARK_SCALING_ARGS="--samples 2M --reps 1" \
    bash "$share/slurm/$template.slurm" > "$dir/$template.log" 2>&1 \
    || { cat "$dir/$template.log"; fail "the installed $template.slurm failed"; }
done
# The scaling template on a user's program: the installed mpi4py pi.
MPIMARK_SCALING_ARGS="--ranks 1,2 --reps 1 --time-from 'time_s=([0-9.e+-]+)'" bash "$share/slurm/scaling.slurm" \
  -- /usr/bin/python3 "$share/programs/python/montecarlo_pi.py" 1M > "$dir/scaling-py.log" 2>&1 \
  || { cat "$dir/scaling-py.log"; fail "the installed scaling.slurm -- montecarlo_pi.py failed"; }
[ "$(ls "$dir/run/results" | wc -l)" = 4 ] || fail "the templates did not write a results folder each"
launch 2 /usr/bin/python3 "$share/programs/python/mpimark.py" sendrecv -m 8 -i 10 -q -o py.csv \
  > "$dir/py.log" 2>&1 || { cat "$dir/py.log"; fail "the installed mpi4py runner failed"; }
[ "$(csv_meta py.csv runner)" = mpi4py ] || fail "the installed runner wrote no mpi4py results"
"$share/scripts/measure" --launches 2 -o measured.csv -- mpirun --oversubscribe -np 2 \
  "$dir/prefix/bin/mpimark" sendrecv -m 8 -i 5 -q > "$dir/measure.log" 2>&1 \
  || { cat "$dir/measure.log"; fail "the installed measure failed"; }
[ "$(csv_meta measured.csv launches)" = 2 ] || fail "the installed measure merged no launches"
"$share/scripts/compare" measured.csv py.csv > "$dir/compare.log" 2>&1 \
  || { cat "$dir/compare.log"; fail "the installed compare failed"; }
grep -q sendrecv "$dir/compare.log" || fail "the installed compare printed no row"
"$dir/prefix/bin/mpimark-py" compare measured.csv py.csv > "$dir/compare2.log" 2>&1 \
  || { cat "$dir/compare2.log"; fail "the installed mpimark-py compare failed"; }
cmp -s "$dir/compare.log" "$dir/compare2.log" || fail "bin/mpimark-py compare and scripts/compare differ"
mkdir single && cp measured.csv single/mpimark.csv
"$share/scripts/plot" single/mpimark.csv -o single > "$dir/plot.log" 2>&1 \
  || { cat "$dir/plot.log"; fail "the installed plot failed"; }
ls single/*.svg > /dev/null 2>&1 || fail "the installed plot drew nothing"
"$share/scripts/report" single > "$dir/report.log" 2>&1 || { cat "$dir/report.log"; fail "the installed report failed"; }
[ -s single/report.html ] || fail "the installed report wrote no report.html"

rm "$dir/prefix/bin/mpimark"
rc=0
PATH=/usr/bin:/bin bash "$dir/prefix/share/mpimark/slurm/pingpong.slurm" > "$dir/job2.log" 2>&1 || rc=$?
[ $rc -ne 0 ] || fail "ran without a binary"
grep -q "never builds" "$dir/job2.log" || { cat "$dir/job2.log"; fail "no clear error without a binary"; }
[ "$(ls "$dir/run/results" | wc -l)" = 4 ] || fail "a failed run left a results folder"
echo "ok: installed, packaged ($(basename "$deb")), ran from $dir/prefix without the source tree"
