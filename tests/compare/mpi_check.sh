#!/usr/bin/env bash
# mpi_check.sh LIB OPS: the LIB build of mpimark runs the operations OPS (a
# comma list, one launch) with -c at 2 ranks under LIB's own launcher
# (mpiexec.openmpi / mpiexec.mpich), a few sizes, few iterations; the CSV
# must name LIB and hold every expected row.
source "$(dirname "$0")/../lib.sh"
lib=$1 ops=(${2//,/ })
case $lib in
  openmpi) bin=$COMPARE_BUILD_OPENMPI/bin/mpimark MPIEXEC=mpiexec.openmpi want="Open MPI" ;;
  mpich) bin=$COMPARE_BUILD_MPICH/bin/mpimark MPIEXEC=mpiexec.mpich want="MPICH" ;;
  *) fail "unknown library $lib" ;;
esac
export MPIEXEC
[ -x "$bin" ] || fail "$bin does not exist (the compare.build.$lib fixture failed?)"
dir=$(workdir)
trap 'rm -rf "$dir"' EXIT

launch 2 "$bin" "${ops[@]}" -c -m 0,1,999,64K -i 10 -x 2 --root 1 -q --format csv -o "$dir/r.csv" \
  > /dev/null || fail "$lib: ${ops[*]} at 2 ranks under $MPIEXEC exited $?"
[ "$(csv_meta "$dir/r.csv" ranks)" = 2 ] \
  || fail "$lib: #@ranks is '$(csv_meta "$dir/r.csv" ranks)', not 2 (wrong launcher for the library?)"
csv_meta "$dir/r.csv" mpi_library | grep -q "^$want" \
  || fail "$lib: #@mpi_library is '$(csv_meta "$dir/r.csv" mpi_library)', expected $want"
[ "$(csv_meta "$dir/r.csv" validate)" = yes ] || fail "$lib: #@validate is not yes"

expected=""
for op in "${ops[@]}"; do
  for s in $(matrix_sizes "$op" buffer bytes); do
    for m in $(metrics_of "$op"); do expected+="$op,buffer,$s,$m"$'\n'; done
  done
done
got=$(csv_select "$dir/r.csv" op,path,bytes,metric | awk -F, '$2 == "buffer"')
[ "$got" = "${expected%$'\n'}" ] || fail "$lib: buffer rows differ; expected:
$expected
got:
$got"
expect_sane_rows "$dir/r.csv" 10 || fail "$lib: bad statistics"
echo "ok: $lib ${ops[*]} at 2 ranks under $MPIEXEC"
