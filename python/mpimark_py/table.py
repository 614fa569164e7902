"""mpimark's text table, as common/core/output.c prints it: the metadata that
says where, one block per operation, a line per (size, path, payload), a
"median [95% PI]" column per metric (95% CI with one round; `!` when the rounds disagree),
the object/buffer (and pkl5/buffer) ratio paired by round, then the notes. Rows are dicts
with the result columns (common/defs/columns.def), numbers as numbers or text:
the mpi4py runner's rows and rows read back from a CSV print alike."""

from . import defs, stats
from .sizes import size_human

META_KEYS = ("mpi_library", "ranks", "nodes", "p2p_placement", "date_utc", "rounds", "sync",
             "runner", "python_version", "mpi4py_version", "launches")
LATE_NOTE_SHARE = 0.10  # a latency row that dropped more of its calls gets a note
# The paths in order (common/defs/paths.def): a size's lines, and a ratio column
# to the first (buffer) for each of the others; the width of a ratio column
# that another one follows (common/core/output.c).
PATHS = tuple(defs.paths())
RATIO_WIDTH = 22


def _path_rank(path):
    return PATHS.index(path) if path in PATHS else len(PATHS)


def _medians(w):
    m = w.get("launch_medians") or w.get("round_medians", [])
    return [float(x) for x in (m.split(";") if isinstance(m, str) else m) if x != ""]


def _find(rows, op, nbytes, path, payload, metric):
    for w in rows:
        if (w["op"] == op and int(w["bytes"]) == nbytes and w["path"] == path and w["metric"] == metric
                and (payload is None or w["payload"] == payload)):
            return w
    return None


def _block(out, rows, op):
    metrics, lines = [], []
    for w in rows:
        if w["op"] != op:
            continue
        if w["metric"] not in [m for m, _ in metrics] and len(metrics) < 8:
            metrics.append((w["metric"], w["unit"]))
        k = (int(w["bytes"]), w["path"], w["payload"], int(w["wire_bytes"]))
        if not any(x[:3] == k[:3] for x in lines):
            lines.append(k)
    lines.sort(key=lambda k: (k[0], _path_rank(k[1])))
    paths = {k[1] for k in lines}
    ratios = [p for p in PATHS[1:] if p in paths] if PATHS[0] in paths else []
    rounds = 1
    for w in rows:
        if w["op"] == op:
            rounds = int(w.get("launches") or w.get("rounds") or 1)  # the medians behind it
    interval = stats.interval_name(rounds)
    out.append("\n# %s\n" % op)
    out.append("%10s  %-6s  %-10s %10s" % ("size", "path", "payload", "wire bytes"))
    for m, u in metrics:
        out.append("  %-36s" % ("%s (%s) median [%s]" % (m, u, interval)))
    for q, p in enumerate(ratios):
        out.append("  %-*s" % (RATIO_WIDTH if q + 1 < len(ratios) else 0, "%s/buffer [%s]" % (p, interval)))
    out.append("\n")
    for k in lines:
        out.append("%10s  %-6s  %-10s %10d" % (size_human(k[0]), k[1], k[2], k[3]))
        for m, _ in metrics:
            w = _find(rows, op, k[0], k[1], k[2], m)
            cell = ("%10.3f [%.3f, %.3f]%s" % (float(w["median"]), float(w["ci_low"]),
                                               float(w["ci_high"]), " !" if int(w["unstable"]) else "")
                    if w else "-")
            out.append("  %-36s" % cell)
        if k[1] in ratios:  # the line's ratio in its path's column
            o = _find(rows, op, k[0], k[1], k[2], metrics[0][0])
            b = _find(rows, op, k[0], PATHS[0], None, metrics[0][0])
            ratio = o and b and stats.paired_ratio(_medians(o), _medians(b), repeat=True)
            if ratio:
                out.append("%*s  %6.2fx [%.2f, %.2f]" % ((ratios.index(k[1]) * (RATIO_WIDTH + 2), "")
                                                          + tuple(ratio)))
        out.append("\n")


def _notes(out, meta, rows):
    """Rows that dropped many late calls, rows whose rounds disagree, and
    what one launch's intervals leave out."""
    for w in rows:
        late, tried = int(w["late"]), int(w["iterations"]) + int(w["late"])
        if tried > 0 and late > LATE_NOTE_SHARE * tried and w["metric"] == "latency":
            out.append("# note: %s %s (%s path): %d of %d calls (%.0f%%) dropped: a rank reached "
                       "the start window late\n" % (w["op"], size_human(w["bytes"]), w["path"], late,
                                                    tried, 100.0 * late / tried))
    unstable = sum(int(w["unstable"]) for w in rows)
    if unstable:
        out.append("# ! %d of %d rows changed by more than %.0f%% between rounds: the machine's "
                   "performance changed during the run\n"
                   % (unstable, len(rows), 100.0 * stats.UNSTABLE_SPREAD))
    if stats.meta_rounds(meta) >= 2 and "launch" not in meta and "merge" not in meta:
        out.append(stats.ONE_LAUNCH_NOTE + "\n")


def format(meta, rows):
    """The table's text from metadata ([(key, value)] or a dict) and rows."""
    meta = dict(meta)
    out = ["# %s: %s\n" % (k, meta[k]) for k in META_KEYS if k in meta]
    seen = []
    for w in rows:
        if w["op"] not in seen:
            seen.append(w["op"])
            _block(out, rows, w["op"])
    out.append("\n")
    _notes(out, meta, rows)
    return "".join(out)
