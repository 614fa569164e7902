# Helpers for the mpi4py runner's tests (sourced): tests/lib.sh, plus
# PYTHON (the interpreter with mpi4py and numpy, default /usr/bin/python3)
# and MPIMARK_PY (the runner).
source "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"
PYTHON=${PYTHON:-/usr/bin/python3}
MPIMARK_PY=${MPIMARK_PY:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/programs/python/mpimark.py}
[ -f "$MPIMARK_PY" ] || fail "no runner at $MPIMARK_PY"

# pyrun NP ARGS...: the runner on NP ranks.
pyrun() {
  local np=$1
  shift
  launch "$np" "$PYTHON" "$MPIMARK_PY" "$@"
}

# row_keys FILE: op,path,payload,bytes,metric of every data row.
row_keys() { csv_select "$1" op,path,payload,bytes,metric; }

# meta_keys FILE: the metadata keys, one per line, sorted.
meta_keys() { sed -n 's/^#@\([^=]*\)=.*/\1/p' "$1" | sort; }
