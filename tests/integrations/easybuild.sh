#!/usr/bin/env bash
# easybuild.sh: integrations/easybuild/mpimark-*.eb built by real EasyBuild
# (pinned, scripts/venv --easybuild: $EB_VENV) from a tarball of
# this tree (git archive), with the system toolchain and Environment
# Modules: eb's dry run lists it, the build runs CMake, the unit tests and
# the easyconfig's sanity check (bin/mpimark --version, mpimark-py), and
# the module it writes puts a working mpimark on PATH.
source "$(dirname "$0")/../lib.sh"
root=$(cd "$(dirname "$0")/../.." && pwd)
export EB_PYTHON=${EB_VENV:?no EB_VENV}/bin/python
eb=$EB_VENV/bin/eb
[ -x "$eb" ] || fail "no EasyBuild at $eb (the integrations.easybuild.venv fixture failed?)"
[ -f /usr/share/modules/init/bash ] || fail "no Environment Modules (apt-get install environment-modules)"
dir=$(workdir)
trap 'rm -rf "$dir"' EXIT
ec=$(ls "$root"/integrations/easybuild/mpimark-*.eb)
version=$(sed -n "s/^version = '\(.*\)'$/\1/p" "$ec")
cmake_version=$(sed -n 's/^project(mpimark VERSION \([0-9.]*\).*/\1/p' "$root/CMakeLists.txt")
[ "$version" = "$cmake_version" ] || fail "$ec is version '$version', CMakeLists.txt $cmake_version"
mkdir "$dir/src"
git -C "$root" archive --prefix="mpimark-$version/" -o "$dir/src/mpimark-$version.tar.gz" HEAD \
  || fail "git archive failed"
export EASYBUILD_PREFIX=$dir/eb EASYBUILD_MODULES_TOOL=EnvironmentModules EASYBUILD_MODULE_SYNTAX=Tcl
set +u # the modules init script reads unset variables
source /usr/share/modules/init/bash
set -u
ebrun() { "$eb" "$ec" --sourcepath="$dir/src" --allow-use-as-root-and-accept-consequences "$@"; }

ebrun --dry-run > "$dir/dry.log" 2>&1 || { cat "$dir/dry.log"; fail "eb --dry-run failed"; }
grep -q "\[ \] .*mpimark-$version.eb (module: mpimark/$version)" "$dir/dry.log" \
  || { cat "$dir/dry.log"; fail "the dry run does not list mpimark/$version"; }
ebrun > "$dir/build.log" 2>&1 || { tail -40 "$dir/build.log"; fail "eb failed to build mpimark"; }
grep -q "SUCCESS\] mpimark/$version" "$dir/build.log" || { tail -20 "$dir/build.log"; fail "no SUCCESS"; }
grep -q "result for command 'mpimark --version': OK" "$dir/build.log" || fail "the sanity command did not run"
module use "$dir/eb/modules/all"
module load "mpimark/$version"
[ "$(command -v mpimark)" = "$dir/eb/software/mpimark/$version/bin/mpimark" ] \
  || fail "the module does not put EasyBuild's mpimark on PATH: $(command -v mpimark)"
launch 2 mpimark sendrecv -m 8 -i 2 -x 0 --rounds 1 -c -q --format csv > "$dir/run.csv" \
  || fail "EasyBuild's mpimark did not run"
[ "$(csv_rows "$dir/run.csv" | wc -l)" -ge 1 ] || fail "EasyBuild's mpimark wrote no rows"
echo "ok: EasyBuild $("$eb" --version | grep -o 'EasyBuild [0-9.]*' | head -1 | cut -d' ' -f2) built mpimark/$version (dry run, build, tests, sanity check, module)"
