#!/usr/bin/env bash
# user_payload.sh CASE: --payload FILE:FUNCTION, the user's own objects
# (tests/python/user_objects.py), on the interpreter in PYTHON (mpi4py 3.1
# or 4.x), 2 ranks, -c.
#   works      sendrecv bcast scatter gather allreduce on a dataclass with +,
#              a list of tuples and a dict of arrays (no +: allreduce's
#              pickled path skipped with a note): exit 0; every pickled row's
#              payload is user, its wire bytes the pickle of FUNCTION(N);
#              #@payload names the function
#   bad KIND   an import error, an exception, an object that does not
#              pickle: one line naming it, exit 2, no results
source "$(dirname "$0")/lib.sh"
case=$1
dir=$(workdir)
trap 'rm -rf "$dir"' EXIT
objects=$(cd "$(dirname "$0")" && pwd)/user_objects.py

case $case in
  works)
    for f in particles tuples arrays; do
      pyrun 2 sendrecv bcast scatter gather allreduce --payload "$objects:$f" -m 8,4K -i 3 -x 1 --rounds 1 \
        -c --format csv -o "$dir/$f.csv" > /dev/null 2> "$dir/$f.err" \
        || { rc=$?; cat "$dir/$f.err" >&2; fail "$f: exit $rc"; }
      [ "$(csv_meta "$dir/$f.csv" payload)" = "$objects:$f" ] || fail "$f: #@payload is '$(csv_meta "$dir/$f.csv" payload)'"
      want_ops="sendrecv bcast scatter gather allreduce"
      [ $f = arrays ] && want_ops="sendrecv bcast scatter gather"
      got_ops=$(csv_select "$dir/$f.csv" op,path,payload | awk -F, '$2 == "object" && $3 == "user" {print $1}' | uniq | tr '\n' ' ')
      [ "$got_ops" = "$want_ops " ] || fail "$f: object rows of '$got_ops', want '$want_ops'"
      # The wire bytes: the pickle of FUNCTION(N), as Python makes it here.
      for n in 8 4096; do
        want=$(PYTHONPATH=$(dirname "$objects") "$PYTHON" -c "import pickle, user_objects as u; print(len(pickle.dumps(u.$f($n), protocol=5)))")
        got=$(csv_select "$dir/$f.csv" op,path,bytes,wire_bytes | awk -F, -v n=$n '$1 == "sendrecv" && $2 == "object" && $3 == n {print $4; exit}')
        [ "$got" = "$want" ] || fail "$f: wire bytes at $n are '$got', the pickle is $want"
      done
    done
    grep -q "^mpimark: allreduce: --payload .*:arrays: the objects have no + .*: pickled paths skipped$" "$dir/arrays.err" \
      || { cat "$dir/arrays.err" >&2; fail "no note on allreduce of objects without +"; }
    ;;
  bad)
    case $2 in
      import) spec="$dir/nowhere.py:f" want="--payload $dir/nowhere.py:f: no file $dir/nowhere.py" ;;
      module) spec="no_such_module_here:f" want="cannot import no_such_module_here: ModuleNotFoundError" ;;
      function) spec="$objects:nothing" want="user_objects.py has no function nothing" ;;
      raises) spec="$objects:fails" want="fails(4096) raised ValueError: no objects over 100 bytes" ;;
      unpicklable) spec="$objects:unpicklable" want="unpicklable(8) returned a function that does not pickle" ;;
      *) fail "unknown bad case $2" ;;
    esac
    rc=0
    pyrun 2 sendrecv --payload "$spec" -m 8,4K -i 3 -o "$dir/out.csv" > "$dir/out" 2> "$dir/err" || rc=$?
    [ $rc = 2 ] || { cat "$dir/err" >&2; fail "exit $rc, want 2"; }
    [ "$(grep -c '^mpimark: ' "$dir/err")" = 1 ] && grep -qF -- "$want" "$dir/err" \
      || { cat "$dir/err" >&2; fail "not one line saying '$want'"; }
    [ ! -e "$dir/out.csv" ] && [ ! -s "$dir/out" ] || fail "results written"
    ;;
  *) fail "unknown case $case" ;;
esac
