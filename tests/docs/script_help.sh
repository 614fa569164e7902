#!/usr/bin/env bash
# Every script in scripts/ and bench/ answers --help at once: exit 0, its help on
# stdout and nothing on stderr (no packages installed, no build started),
# naming the script, and whole: the last line ends a sentence (a help cut
# from its comment block by a fixed line range ends mid-sentence).
set -uo pipefail
repo=${1:?usage: script_help.sh REPO}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bad=0
sentence_end='[.:)]$'
for script in "$repo"/scripts/* "$repo"/bench/*; do
  [ -f "$script" ] && [ -x "$script" ] || continue
  name=$(basename "$script")
  timeout 30 "$script" --help > "$tmp/out" 2> "$tmp/err" < /dev/null
  rc=$?
  last=$(grep -v '^[[:space:]]*$' "$tmp/out" | tail -1)
  problem=
  if [ $rc -ne 0 ]; then problem="exited $rc"
  elif [ -s "$tmp/err" ]; then problem="wrote to stderr: $(head -1 "$tmp/err")"
  elif ! grep -q "$name" "$tmp/out"; then problem="does not name the script"
  elif ! [[ $last =~ $sentence_end ]]; then problem="ends mid-sentence: '$last'"
  fi
  if [ -n "$problem" ]; then
    echo "FAIL: ${script#"$repo"/} --help $problem"
    bad=1
  else
    echo "ok: ${script#"$repo"/} --help ($(wc -l < "$tmp/out") lines)"
  fi
done
exit $bad
