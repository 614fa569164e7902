#!/usr/bin/env bash
# install.sh: mpimark as an HPC site installs it. From a clone of this tree:
# build, `cmake --install --prefix`, build the Debian package (cpack) and
# list it; then remove the clone and its build, and run the installed
# pingpong.slurm outside Slurm from another folder: it uses PREFIX/bin,
# writes its results under that folder (plots too), and never builds; with
# the binary gone it refuses with one clear error and keeps nothing.
source "$(dirname "$0")/lib.sh"
src=$(cd "$(dirname "$0")/.." && pwd)
dir=$(workdir)
trap 'rm -rf "$dir"' EXIT

git clone -q "$src" "$dir/src" || fail "cannot clone $src"
cmake -S "$dir/src" -B "$dir/b" > /dev/null || fail "configure failed"
cmake --build "$dir/b" -j "$(nproc)" --target mpimark montecarlo_pi > "$dir/log" 2>&1 \
  || { tail -20 "$dir/log"; fail "build failed"; }
cmake --install "$dir/b" --prefix "$dir/prefix" > "$dir/log" 2>&1 || { cat "$dir/log"; fail "install failed"; }
for f in bin/mpimark bin/montecarlo_pi share/mpimark/slurm/pingpong.slurm share/mpimark/slurm/lib.sh \
  share/mpimark/scripts/plot share/mpimark/scripts/compare share/mpimark/python/mmtools/stats.py \
  share/mpimark/benchmarks/python/mpimark.py share/doc/mpimark/README.md; do
  [ -e "$dir/prefix/$f" ] || fail "not installed: $f"
done

(cd "$dir/b" && cpack -G DEB > "$dir/cpack.log" 2>&1) || { cat "$dir/cpack.log"; fail "cpack -G DEB failed"; }
deb=$(ls "$dir"/b/mpimark_*.deb) || fail "no .deb written"
dpkg-deb -c "$deb" > "$dir/contents"
for f in ./usr/bin/mpimark ./usr/bin/montecarlo_pi ./usr/share/mpimark/slurm/pingpong.slurm \
  ./usr/share/mpimark/scripts/plot ./usr/share/mpimark/python/mmtools/stats.py; do
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

rm "$dir/prefix/bin/mpimark"
rc=0
PATH=/usr/bin:/bin bash "$dir/prefix/share/mpimark/slurm/pingpong.slurm" > "$dir/job2.log" 2>&1 || rc=$?
[ $rc -ne 0 ] || fail "ran without a binary"
grep -q "never builds" "$dir/job2.log" || { cat "$dir/job2.log"; fail "no clear error without a binary"; }
[ "$(ls "$dir/run/results" | wc -l)" = 1 ] || fail "a failed run left a results folder"
echo "ok: installed, packaged ($(basename "$deb")), ran from $dir/prefix without the source tree"
