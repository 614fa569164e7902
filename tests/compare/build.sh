#!/usr/bin/env bash
# build.sh LIB DIR [CMAKE ARGS]: scripts/build --mpi LIB --dir DIR builds
# mpimark with that MPI: the binary must link that library (and not the
# other one) and the build tree must launch its tests with its launcher.
source "$(dirname "$0")/../lib.sh"
lib=$1 dir=$2
shift 2
root=$(cd "$(dirname "$0")/../.." && pwd)

out=$("$root/scripts/build" --mpi "$lib" --dir "$dir" "$@") || fail "scripts/build --mpi $lib exited $?"
bin=$dir/bin/mpimark
[ "$(echo "$out" | tail -1)" = "$bin" ] || fail "scripts/build printed '$out', not the binary path $bin"
[ -x "$bin" ] || fail "$bin was not built"
libs=$(ldd "$bin")
case $lib in
  openmpi)
    grep -qE 'libmpi\.so\.40' <<< "$libs" || fail "$bin does not link Open MPI's libmpi.so.40"
    ! grep -q libmpich <<< "$libs" || fail "$bin links MPICH too"
    launcher=mpiexec.openmpi
    ;;
  mpich)
    grep -q libmpich <<< "$libs" || fail "$bin does not link libmpich"
    ! grep -qE 'libmpi\.so\.40|libopen-pal' <<< "$libs" || fail "$bin links Open MPI too"
    launcher=mpiexec.mpich
    ;;
esac
# ctest in that build tree must launch with the same implementation.
grep -q "^MPIEXEC_EXECUTABLE:FILEPATH=.*$launcher" "$dir/CMakeCache.txt" \
  || fail "$dir/CMakeCache.txt does not name $launcher as MPIEXEC_EXECUTABLE"
# A wrong --mpi is a usage error.
if "$root/scripts/build" --mpi nosuchmpi --dir "$dir.bad" > /dev/null 2>&1; then
  fail "scripts/build --mpi nosuchmpi succeeded"
else
  [ $? = 2 ] || fail "scripts/build --mpi nosuchmpi did not exit 2"
fi
[ ! -e "$dir.bad" ] || fail "scripts/build --mpi nosuchmpi created $dir.bad"
echo "ok: $lib build in $dir"
