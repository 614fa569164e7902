#!/usr/bin/env bash
# placement.sh c|python: #@binding and #@placement say where the ranks ran,
# and the table says when they were not bound or shared a CPU. The test
# sets each rank's CPUs itself with taskset (whatever the launcher's own
# binding policy): each rank its own CPU, both on CPU 0, both on every CPU.
# The C binary ($MPIMARK) or the mpi4py runner ($PYTHON $MPIMARK_PY).
source "$(dirname "$0")/../lib.sh"
runner=$1
dir=$(workdir)
trap 'rm -rf "$dir"' EXIT
runner_prog "$runner"
cpus=$(nproc --all)
[ "$cpus" -ge 2 ] || { echo "skipped: one CPU"; exit 77; }
numa=unknown
[ -r /sys/devices/system/node/node0/cpulist ] && numa=0
# A rank's own CPU: its rank in the job (Open MPI's or MPICH's variable).
cat > "$dir/own-cpu" <<'SH'
#!/bin/sh
exec taskset -c "${OMPI_COMM_WORLD_RANK:-${PMI_RANK:-0}}" "$@"
SH
chmod +x "$dir/own-cpu"

run() { # NAME WRAPPER...: the job's CSV and table
  local name=$1
  shift
  launch 2 "$@" "${prog[@]}" sendrecv -m 8 -i 2 --rounds 2 -q --format csv -o "$dir/$name.csv" \
    > /dev/null || fail "$name: exited $?"
  launch 2 "$@" "${prog[@]}" sendrecv -m 8 -i 2 --rounds 2 -q > "$dir/$name.txt" || fail "$name: exited $?"
}
expect() { # NAME BINDING PLACEMENT LOOSE(0|1)
  local got
  got=$(csv_meta "$dir/$1.csv" binding)
  [ "$got" = "$2" ] || fail "$1: #@binding is '$got', want '$2'"
  got=$(csv_meta "$dir/$1.csv" placement)
  [ "$got" = "$3" ] || fail "$1: #@placement is '$got', want '$3'"
  if [ "$4" = 1 ]; then
    grep -q "^# placement: ${2%%:*}" "$dir/$1.txt" || { cat "$dir/$1.txt" >&2; fail "$1: no placement note"; }
  else
    ! grep -q "^# placement:" "$dir/$1.txt" || fail "$1: a placement note for bound ranks"
  fi
  echo "ok: $1: $2; $3"
}

run own "$dir/own-cpu"
host=$(csv_meta "$dir/own.csv" hosts)
expect own "bound: each rank to its own 1 CPU" "r0-1 $host: cpus 0-1 one each, numa $numa" 0
run shared taskset -c 0
expect shared "shared: ranks 0 and 1 may run on the same CPU (bound, but not each to CPUs of its own)" \
  "r0-1 $host: cpu 0 each, numa $numa" 1
run all taskset -c "0-$((cpus - 1))"
expect all "not bound: every rank may run on any CPU of its node" \
  "r0-1 $host: cpus 0-$((cpus - 1)) each, numa $numa" 1
