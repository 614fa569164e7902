# The kinds of bad input every mpimark runner must refuse (sourced, not
# run): shared by the C test (tests/mpi/bad_input.sh) and the mpi4py one
# (tests/python/bad_input.sh), which must print the same line.
#
# bad_input_case CASE NP DIR: sets `args` (the options to pass, after small
# defaults) and `want` (what the one line on stderr must contain). Returns 1
# for an unknown case; exits 77 (ctest: skipped) where a case cannot run in
# this build.
# Every case and the rank counts it runs at, one line each:
#   #@case NAME PURE C-RANKS MPI4PY-RANKS   (comma-separated; "-": not run there)
# PURE: both runners' request check without MPI (tests/unit/bad_input.sh,
# through tests/unit/request_tool.c and tests/python/request_tool.py) as
# rank 0 of a job of that many ranks; C-RANKS, MPI4PY-RANKS: real launches
# (tests/mpi/bad_input.sh, tests/python/bad_input.sh), for what needs MPI
# (allocation, a missing mpi4py) and to check that every rank of a job
# agrees on the exit code (a parse error, a request error, an output check
# made by rank 0 alone). tests/unit.cmake, tests/mpi.cmake and
# tests/python.cmake make one ctest per (case, ranks) from these lines, so
# a case is added here and nowhere else.
#@case unknown-op 2 2,4 2,3
#@case unknown-option 2 - -
#@case reversed-range 2 - -
#@case malformed-size 2 - -
#@case malformed-list 2 - -
#@case size-too-large 2 - -
#@case zero-iterations 2 - -
#@case negative-iterations 2 - -
#@case negative-warmup 2 - -
#@case missing-value 2 - -
#@case bad-format 2 - -
#@case bad-path 2 - -
#@case bad-path-list 2 - -
#@case repeated-path 2 - -
#@case bad-pkl5-threshold 2 - -
#@case bad-mpi4py 2 - -
#@case bad-hugepages 2 - -
#@case bad-heap 2 - -
#@case bad-payload 2 - -
#@case bad-time 2 - -
#@case bad-sync 2 - -
#@case bad-rank-time 2 - -
#@case bad-memory 2 - -
#@case memory-fits-nothing - 2 2
#@case wide-not-table 2 - -
#@case bad-rounds 2 - -
#@case too-many-rounds 2 - -
#@case bad-seed 2 - -
#@case bad-launch 2 - -
#@case bad-window 2 - -
#@case flag-with-value 2 - -
#@case bad-root 2,4 2,4 2,3
#@case unwritable-output 2 2 2
#@case output-exists 2 2,4 2,3
#@case bad-output-suffix 2 - -
#@case output-folder 2 2 2
#@case malloc-fails - 2,4 2
#@case too-much-memory - 4,6 4
#@case too-few-ranks 1 1 1
#@case missing-mpi4py - - 2,3
#@case missing-numpy - - 2

bad_input_case() {
  local case=$1 np=$2 dir=$3
  case $case in
    unknown-op) args=(allgatherv) want="unknown operation 'allgatherv'" ;;
    unknown-option) args=(--frobnicate) want="unknown option '--frobnicate'" ;;
    reversed-range) args=(-m 4K:1K) want="MIN is larger than MAX" ;;
    malformed-size) args=(-m 1x) want="unknown suffix" ;;
    malformed-list) args=(-m 8,,16) want="empty or overlong item" ;;
    size-too-large) args=(-m 4G) want="exceeds the largest MPI message" ;;
    zero-iterations) args=(-i 0) want="bad iteration count '0'" ;;
    negative-iterations) args=(-i -5) want="bad iteration count '-5'" ;;
    negative-warmup) args=(-x -1) want="bad warmup count '-1'" ;;
    missing-value) args=(--sizes) want="needs a value" ;;
    bad-format) args=(--format xml) want="bad --format 'xml'" ;;
    bad-path) args=(--path pickled) want="bad --path 'pickled'" ;;
    bad-path-list) args=(--path buffer,pkl6)
      want="bad --path 'buffer,pkl6': expected a list of buffer, object and pkl5 (each once), or both or all" ;;
    repeated-path) args=(--path object,object) want="bad --path 'object,object'" ;;
    bad-hugepages) args=(--hugepages maybe) want="bad --hugepages 'maybe': expected no or yes" ;;
    bad-heap) args=(--heap tuned) want="bad --heap 'tuned': expected default or pinned" ;;
    bad-mpi4py) args=(--mpi4py 5) want="bad --mpi4py '5': expected 3 or 4" ;;
    bad-pkl5-threshold) args=(--pkl5-threshold -1)
      want="bad --pkl5-threshold '-1': expected bytes such as 0, 1024 or 256K" ;;
    bad-payload) args=(--payload ints) want="bad --payload 'ints'" ;;
    bad-time) args=(--time 0) want="bad --time '0'" ;;
    bad-sync) args=(bcast --sync fence) want="bad --sync 'fence': expected window, barrier or batch" ;;
    wide-not-table) args=(--wide --format csv) want="--wide is a layout of the table; --format csv has none" ;;
    bad-rank-time) args=(gather --rank-time mean)
      want="bad --rank-time 'mean': expected slowest, average or fastest" ;;
    bad-memory) args=(-M 10X) want="bad --memory '10X': expected auto or bytes per rank such as 512M or 4G" ;;
    memory-fits-nothing) args=(sendrecv -m 8 -M 10)
      want="no message size fits the memory bound of 10 B per rank (--memory)" ;;
    bad-rounds) args=(--rounds 0) want="bad round count '0'" ;;
    too-many-rounds) args=(--rounds 65) want="bad round count '65': at most 64" ;;
    bad-seed) args=(--seed x1) want="bad seed 'x1'" ;;
    bad-launch) args=(--launch 3/0) want="bad --launch '3/0': expected I/L with 1 <= I, L <= 1000" ;;
    bad-window) args=(-W 5000) want="bad in-flight count '5000': at most 4096" ;;
    flag-with-value) args=(-cq) want="option --validate takes no value" ;;
    bad-root) args=(bcast --root "$np") want="--root $np is not a rank of this job" ;;
    unwritable-output) args=(-o /proc/mpimark/r.csv) want="cannot write '/proc/mpimark/r.csv'" ;;
    output-exists)
      echo keep > "$dir/r.csv"
      args=(-o "$dir/r.csv") want="exists; mpimark never overwrites results" ;;
    bad-output-suffix) args=(-o "$dir/r.txt") want="must end in .csv or .json" ;;
    output-folder) # --force replaces a file, never a folder: refused before measuring
      mkdir -p "$dir/d.csv"
      args=(-o "$dir/d.csv" --force) want="is a folder; -o names a results file" ;;
    too-much-memory)
      # scatter and gather of 2047 MiB need NP x 2047 MiB at the root, more
      # than the default memory bound (3/4 of the node's available memory
      # over its NP >= 4 ranks) on this machine. Refused before allocating.
      args=(scatter gather -m 2047M) want="no message size fits the memory bound of" ;;
    malloc-fails)
      # 1 GiB messages under a 3 GiB address-space limit: malloc itself
      # fails; every rank must agree and exit 2 rather than crash.
      # AddressSanitizer reserves terabytes of shadow memory and cannot
      # start under ulimit -v.
      if [[ $(ldd "$MPIMARK") == *libasan* ]]; then # no pipe: grep -q could SIGPIPE ldd
        echo "skipped under ASan"
        exit 77
      fi
      # -M 8G: past the default memory bound (NP x 1 GiB at the root), to malloc.
      ulimit -v 3000000
      args=(scatter -m 1G -M 8G) want="cannot allocate buffers for messages of 1 GiB" ;;
    too-few-ranks) args=(sendrecv) want="sendrecv needs at least 2 ranks, this job has 1" ;;
    *) return 1 ;;
  esac
}

# expect_refused CASE RC ERR OUT: what every bad input must give: no hang
# (124 is timeout's), exit 2, exactly one "mpimark:" line on stderr (ERR)
# containing $want, nothing on stdout (OUT), an existing output file left
# as it was.
expect_refused() {
  local case=$1 rc=$2 err=$3 out=$4 n
  [ "$rc" -ne 124 ] || fail "$case: timed out (a rank hung)"
  [ "$rc" -eq 2 ] || { cat "$err" >&2; fail "$case: exit $rc, want 2"; }
  n=$(grep -c "^mpimark: " "$err" || true)
  [ "$n" -eq 1 ] || { cat "$err" >&2; fail "$case: $n mpimark lines on stderr, want 1"; }
  grep -qF -- "$want" "$err" || { cat "$err" >&2; fail "$case: stderr lacks '$want'"; }
  if [ "$case" = output-exists ] && [ "$(cat "$(dirname "$out")/r.csv")" != keep ]; then
    fail "existing file changed"
  fi
  if [ -s "$out" ]; then
    cat "$out" >&2
    fail "$case: printed results"
  fi
}
