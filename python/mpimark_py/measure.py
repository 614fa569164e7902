"""mpimark-py measure [--launches L] -o OUT.csv [--force] -- LAUNCHER... PROGRAM [OPTIONS]
(scripts/measure in a clone): one measurement whose intervals hold from one
run to the next.

Runs the mpimark command L times as separate launches (default
$MPIMARK_LAUNCHES, else 6), each with `--launch i/L` (1/L of the time
budget and of the rounds), then merges them (mpimark-py merge) into
OUT.csv: a row's median and 95% PI come from the L launches' medians, so
they include what changes from one launch of an MPI job to the next
(memory and shared-memory placement: a few percent on this machine, which
rounds inside one launch never see). Prints the merged table; keeps every
launch's CSV in OUT-launches/. PROGRAM is build/bin/mpimark or the mpi4py
runner (mpimark-py run); LAUNCHER is e.g. `mpirun -np 2` or `srun`.
--launches 1 runs the command once, as it is.

The machine may switch between speeds while it runs (docs/method.md,
Modes). Each launch records the state each size of each operation ran in
(its rows' state probes, round_probes_ns); a state is counted in launches
(each launch adds the share of its rows that ran in it: about how many
launches a row has in that state). After the L launches, where it saw two
states or more and one was seen in fewer than 3 launches (too few for that
mode's interval), measure adds launches, up to --max-launches, as long as that
state, at the rate it was seen, would reach 3 within them, and says which
states it saw and how often (#@states_seen). A measurement that saw one state says so: the
machine may have others. Where ranks 0 and 1 are on different nodes
there is no probe, and the launches run as planned.

The states last from under a second to about a minute (docs/method.md,
Modes). --span S spreads the launches over at least S seconds: launch i
starts no earlier than (i-1)/L of the span after the first, the wait said
on stderr (a sweep that takes longer than the span waits for nothing); the
time the launches covered is #@launch_span_s. By default they run back to
back: spread over 30 or 60 s, a short sweep's launches saw more of both
states, and its modes' intervals held the next run's no more often, at
2-3x their width (docs/method.md, Span).

  mpimark-py measure -o results/x.csv -- mpirun -np 2 build/bin/mpimark sendrecv -m 8,1K

Options:
  --launches L          separate launches, 1 to 1000 (default $MPIMARK_LAUNCHES, else 6)
  --max-launches M      at most M launches in all, adding past L while a state was seen
                        in under 3 and would reach 3 within M at the rate it was seen
                        (default $MPIMARK_MAX_LAUNCHES, else 2 x L, at most 1000; M = L:
                        none added)
  --span S              spread the launches over at least S seconds, 0 to 86400
                        (default $MPIMARK_SPAN, else 0: back to back)
  -o, --output OUT.csv  the merged CSV; the launches' CSVs go to OUT-launches/
  --force               replace OUT.csv and OUT-launches/

Exit codes: 0 ok, 1 a launch failed (2 when the launch said bad input),
2 bad input, 143/130/129 stopped by SIGTERM/SIGINT/SIGHUP (scancel, a time
limit, Ctrl-C: the launch under way is ended, its ranks too). Nothing is
left behind when a launch fails or is stopped.
"""

import math
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time

from . import core, launcher, merge, results
from .compare import Result
from .errors import Failure, UsageError

# The one default of every measurement (the scripts and Slurm templates
# too): six launches of one round each give intervals that hold across
# runs here (docs/performance.md, "Reproducibility"); more cost 0.3 s of
# start-up each. MPIMARK_LAUNCHES overrides it.
DEFAULT_LAUNCHES = 6
# Seconds the launches are spread over at least (MPIMARK_SPAN overrides):
# none by default; spreading a short sweep over 30 or 60 s widened its
# intervals 2-3x and did not make them hold more often (docs/method.md, Span).
DEFAULT_SPAN_S = 0
# Options of the command that this command sets for every launch.
OWN_OPTIONS = ("-o", "--output", "--launch", "--format")


class LaunchFailed(Failure):
    def __init__(self, msg, code):
        super().__init__(msg)
        self.code = code


# A state seen in fewer launches than this gives its modes no interval (modes.h).
STATE_LAUNCHES = 3


def launch_probes(path):
    """A launch file's state probes: each row's (the median of its rounds'
    round_probes_ns: the state each size of each operation ran in), or, in
    a file whose rows have none, the launch's one (#@state_probe_ns); []
    when it has none (ranks 0 and 1 on different nodes)."""
    t = results.read(path)
    rows = [merge.launch_probe(r.get("round_probes_ns") or "") for r in t.rows]
    if rows and None not in rows:
        return rows
    one = merge.launch_probe(t.meta.get("state_probe_ns", ""))
    return [one] if one is not None else []


def states(per_launch):
    """The machine's states over the launches' probes (launch_probes, a list
    per launch): [(probe ns, launches)] by ascending probe, where a state's
    launches are the sum over the launches of the share of their rows that
    ran in it (a launch all in one state counts 1: about how many launches
    a row has in that state, what its mode's interval needs); None when a
    launch has no probe (ranks 0 and 1 on different nodes, or a result of a
    runner before it had one)."""
    if not per_launch or not all(per_launch):
        return None
    found, which = core.states([p for probes in per_launch for p in probes])
    counts, at = [0.0] * len(found), 0
    for probes in per_launch:
        for _ in probes:
            counts[which[at]] += 1.0 / len(probes)
            at += 1
    return [(m.median, k) for m, k in zip(found, counts)]


def more_launches(seen, n, most):
    """Whether to add a launch: of two or more states, one was seen in under
    STATE_LAUNCHES of the n launches and, at the rate it was seen, would
    reach that within `most` (a state seen once in 6 needs 12 more: rarer
    than the bound allows, and it is named as too rare instead). One state
    is one mode: the row's own interval, from the launches asked for."""
    return len(seen) > 1 and any(n + math.ceil((STATE_LAUNCHES - k) * n / k) <= most
                                 for _, k in seen if k < STATE_LAUNCHES)


def launches_text(k):
    """How many launches a state was seen in: '5 launches', '1 launch', '2.4
    launches' (shares of launches), 'under 0.1 launch'."""
    if k < 0.05:
        return "under 0.1 launch"
    if abs(k - round(k)) < 0.05:
        return "%d launch%s" % (round(k), "" if round(k) == 1 else "es")
    return "%.1f launches" % k


def states_text(seen):
    """#@states_seen: '2: line 27 ns in 5 launches, line 175 ns in 3 launches'."""
    if seen is None:
        return "unknown (no state probe: ranks 0 and 1 on different nodes)"
    text = "%d: %s" % (len(seen), ", ".join("line %.0f ns in %s" % (ns, launches_text(n)) for ns, n in seen))
    if len(seen) == 1:
        return text + "; one state seen: the machine may have others"
    rare = [ns for ns, n in seen if n < STATE_LAUNCHES]
    return text + ("; too rare for an interval: %s" % ", ".join("line %.0f ns" % ns for ns in rare) if rare else "")


def add_arguments(ap):
    ap.add_argument("--launches", default=os.environ.get("MPIMARK_LAUNCHES", str(DEFAULT_LAUNCHES)))
    ap.add_argument("--max-launches", default=os.environ.get("MPIMARK_MAX_LAUNCHES"))
    ap.add_argument("--span", default=os.environ.get("MPIMARK_SPAN", str(DEFAULT_SPAN_S)))
    ap.add_argument("-o", "--output")
    ap.add_argument("--force", action="store_true")
    ap.add_argument("command", nargs="*")


def say(msg):
    print("[mpimark] " + msg, file=sys.stderr, flush=True)


def run(args):
    launches = args.launches
    if not (launches.isdigit() and 1 <= int(launches) <= 1000 and launches[0] != "0"):
        raise UsageError("--launches (or MPIMARK_LAUNCHES) must be a whole number from 1 to 1000, not '%s'"
                         % launches)
    launches, out, cmd = int(launches), args.output, args.command
    most = args.max_launches if args.max_launches is not None else str(min(1000, 2 * launches))
    if not (most.isdigit() and launches <= int(most) <= 1000 and most[0] != "0"):
        raise UsageError("--max-launches (or MPIMARK_MAX_LAUNCHES) must be a whole number from "
                         "--launches (%d) to 1000, not '%s'" % (launches, most))
    most = int(most)
    span = _seconds(args.span)
    if span is None:
        raise UsageError("--span (or MPIMARK_SPAN) must be a number of seconds from 0 to 86400, not '%s'"
                         % args.span)
    if not out:
        raise UsageError("no -o OUT.csv given (see --help)")
    if not out.endswith(".csv"):
        raise UsageError("-o '%s': the merged results are a CSV (OUT.csv)" % out)
    if not cmd:
        raise UsageError("no command after -- (e.g. -- mpirun -np 2 build/bin/mpimark)")
    for a in cmd:
        if a in OWN_OPTIONS or a.startswith(("--output=", "--launch=", "--format=")) or \
                (a.startswith("-o") and not a.startswith("--")):
            raise UsageError("'%s' in the command: mpimark-py measure sets the launches' output itself" % a)
    folder = os.path.dirname(out) or "."
    kept = out[:-len(".csv")] + "-launches"
    if not (os.path.isdir(folder) and os.access(folder, os.W_OK | os.X_OK)):
        raise UsageError("cannot write to '%s'" % folder)
    if not args.force:
        for p in (out, kept):
            if os.path.lexists(p):
                raise UsageError("'%s' exists; not overwriting results (use --force)" % p)
    launcher.stop_on_signals()
    try:
        return _measure(launches, most, span, out, cmd, args.force, folder, kept)
    except launcher.Stopped as e:
        say("stopped by %s: the launch was ended, no results kept" % e)
        return 128 + e.signum


def _seconds(text):
    """A --span value in seconds, or None when it is not one from 0 to 86400."""
    try:
        v = float(text)
    except ValueError:
        return None
    return v if math.isfinite(v) and 0 <= v <= 86400 else None


def _wait_for(i, launches, span, start):
    """Before launch i: waits until (i-1)/launches of the span has passed
    since the first launch started (launches past the planned ones do not
    wait), saying so when it waits."""
    if i > launches or span <= 0:
        return
    wait = start + (i - 1) * span / launches - time.monotonic()
    if wait > 0.05:
        say("waiting %.1f s before launch %d: the launches are spread over %g s (--span)" % (wait, i, span))
        time.sleep(wait)


def _measure(launches, most, span, out, cmd, force, folder, kept):
    if launches == 1:
        return launcher.run_group(cmd + ["-o", out] + (["--force"] if force else []))

    tmp = tempfile.mkdtemp(prefix="." + os.path.basename(kept) + ".", dir=folder)
    try:
        start = time.monotonic()
        files, probes = [], []  # each launch's file read once for its probes
        seen = None
        while True:
            i = len(files) + 1
            _wait_for(i, launches, span, start)
            say("launch %d/%d%s (%d s)" % (i, launches, " (added: a state seen too few times)" if i > launches
                                            else "", time.monotonic() - start))
            f = os.path.join(tmp, "launch%d.csv" % i)
            rc = launcher.run_group(cmd + ["--launch", "%d/%d" % (i, launches), "-q", "--format", "csv", "-o", f],
                                    stdout=subprocess.DEVNULL)
            if rc != 0:
                raise LaunchFailed("launch %d/%d failed (exit %d); no results kept" % (i, launches, rc),
                                   2 if rc == 2 else 1)
            files.append(f)
            probes.append(launch_probes(f))
            if len(files) < launches:
                continue
            seen = states(probes)
            if seen is None or not more_launches(seen, len(files), most):
                break
        covered = time.monotonic() - start
        say("states seen: " + states_text(seen))
        command = "mpimark-py measure --launches %d --max-launches %d --span %g -- %s" % (
            launches, most, span, shlex.join(cmd))
        lines = merge.merge([Result(f) for f in files], out, force, command,
                            extra_meta=[("states_seen", states_text(seen)), ("launch_span_s", "%.1f" % covered)])
        if force and os.path.lexists(kept):
            shutil.rmtree(kept)
        os.rename(tmp, kept)
    except LaunchFailed as e:
        say(str(e))
        return e.code
    finally:
        if os.path.isdir(tmp):
            shutil.rmtree(tmp)
    t = results.read(out)
    sys.stdout.write(core.results_text(t.meta.items(), t.rows, "table"))
    say("%d launches over %.0f s%s merged, %d rows: %s (each launch's CSV in %s/)"
        % (len(files), covered, " (spread over at least %g s: --span)" % span if span > 0 else "", len(lines),
           out, kept))
    return 0
