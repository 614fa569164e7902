"""gnuplot, as mpimark's figures use it: quoting, data blocks, the common
style, series and plot commands, and rendering one figure to PNG and SVG
atomically (a figure is written whole or not at all)."""

import math
import os
import re
import shutil
import subprocess
import tempfile

from .errors import Failure
from .sizes import size_short

INSTALL_HINT = "sudo apt-get install gnuplot-nox  (Debian/Ubuntu; 'dnf install gnuplot' on Fedora/RHEL)"


def gq(s):
    """A gnuplot string that gnuplot cannot evaluate: single-quoted (gnuplot
    substitutes `...` commands inside double quotes, and @macros outside
    quotes, never inside single quotes), a quote as "'" joined on (gnuplot's
    own '' fails next to a backquote), control characters (a newline would
    end the command) as spaces. Text from result files and paths reaches
    gnuplot only through here."""
    s = re.sub(r"[\x00-\x1f\x7f]", " ", str(s))
    return "'" + s.replace("'", "'.\"'\".'") + "'"


def gq_lines(*lines):
    """A gnuplot string of several lines (for titles): each line gq-quoted,
    joined by a double-quoted newline."""
    return '."\\n".'.join(gq(l) for l in lines if l) or gq("")


def size_tics(lo, hi, most=12):
    """Readable message-size tics (1, 4, 16, ..., 1K, ...): at most `most`, powers of two."""
    e0 = max(0, int(math.floor(math.log2(lo))))
    e1 = int(math.ceil(math.log2(hi)))
    step = 1
    while (e1 - e0) // step + 1 > most:
        step *= 2
    e0 -= e0 % step
    tics = ["%s %d" % (gq(size_short(1 << e)), 1 << e) for e in range(e0, e1 + 1, step)]
    return "set xtics (%s)\n" % ", ".join(tics)


def datablock(name, points):
    lines = ["$%s << EOD" % name]
    lines += [" ".join("%.9g" % v for v in p) for p in points]
    lines.append("EOD")
    return "\n".join(lines) + "\n"


COMMON = """set encoding utf8
set termoption noenhanced
set border 3 lw 1 lc rgb "#333333"
set tics nomirror out scale 0.6
set grid xtics ytics mytics lw 1 lc rgb "#e4e4e4", lw 0.5 lc rgb "#f0f0f0"
set key top left Left reverse samplen 3 spacing 1.15 box lc rgb "#cccccc" opaque
set style data yerrorlines
set bars small
set pointsize 0.9
"""


class Series:
    def __init__(self, title, points, color, point, dash=1):
        self.title, self.points, self.color, self.point, self.dash = title, points, color, point, dash


def plot_command(blocks, series, errorbars=True, extra=()):
    """One plot command: per series, solid error bars (ci_low..ci_high, or
    whatever columns 3 and 4 hold) without a title, then the titled line."""
    parts = []
    for s in series:
        name = "d%d" % len(blocks)
        blocks.append(datablock(name, s.points))
        if errorbars and len(s.points[0]) >= 4:
            parts.append("$%s using 1:2:3:4 with yerrorbars lw 1 lc rgb %s pt 7 ps 0 notitle"
                         % (name, gq(s.color)))
        parts.append("$%s using 1:2 with linespoints lw 1.8 lc rgb %s dt %d pt %d title %s"
                     % (name, gq(s.color), s.dash, s.point, gq(s.title)))
    parts.extend(extra)
    return "plot " + ", \\\n     ".join(parts) + "\n"


def legend_panel(series, style="linespoints"):
    """A multiplot cell that holds only the key."""
    cmds = ["unset border", "unset tics", "unset grid", "unset xlabel", "unset ylabel",
            "unset title", "unset logscale", "unset label", "set xrange [0:1]", "set yrange [0:1]",
            "set key center center Left reverse samplen 3 spacing 1.3 nobox noopaque"]
    parts = ["NaN with %s lw 1.8 lc rgb %s dt %d pt %d title %s"
             % (style, gq(s.color), s.dash, s.point, gq(s.title)) for s in series]
    return "\n".join(cmds) + "\nplot " + ", \\\n     ".join(parts) + "\n"


TERMINALS = {
    "png": 'set terminal pngcairo size %d,%d font "DejaVu Sans,11" linewidth 1.2 background rgb "white"\n',
    "svg": 'set terminal svg size %d,%d font "DejaVu Sans,12" linewidth 1.2 background rgb "white"\n',
}


def render(fig, outdir, formats, keep_scripts):
    """Runs gnuplot once for the figure in every format; returns the files
    written, or raises Failure and writes none."""
    tmps, finals = [], []
    script = "".join(fig.blocks)
    for fmt in formats:
        final = os.path.join(outdir, "%s.%s" % (fig.name, fmt))
        fd, tmp = tempfile.mkstemp(prefix=".%s." % fig.name, suffix=".%s.tmp" % fmt, dir=outdir)
        os.close(fd)
        tmps.append(tmp)
        finals.append(final)
        script += TERMINALS[fmt] % (fig.width, fig.height) + "set output %s\n" % gq(tmp)
        script += fig.body + "unset output\nreset\n"
    try:
        proc = subprocess.run(["gnuplot"], input=script, text=True, capture_output=True, timeout=120)
    except subprocess.TimeoutExpired:
        proc = None
    ok = proc is not None and proc.returncode == 0 and all(os.path.getsize(t) > 0 for t in tmps)
    if not ok:
        for t in tmps:
            if os.path.exists(t):
                os.unlink(t)
        err = proc.stderr.strip() if proc else "gnuplot timed out"
        if proc and not err:  # gnuplot says nothing when its output cannot be written
            free = shutil.disk_usage(outdir).free
            err = ("no space left in '%s' (%d bytes free)" % (outdir, free) if free < (1 << 20) else
                   "gnuplot exited %d and wrote an empty figure, without a message" % proc.returncode)
        if "unknown or ambiguous terminal" in err:
            err += "\n(this gnuplot lacks the cairo/svg terminals; install: %s)" % INSTALL_HINT
        raise Failure("gnuplot failed on %s:\n%s" % (fig.name, err))
    for t, f in zip(tmps, finals):
        os.chmod(t, 0o644)
        os.replace(t, f)
    if keep_scripts:
        with open(os.path.join(outdir, fig.name + ".gp"), "w", encoding="utf-8") as f:
            f.write(script.replace(tmps[0], finals[0]) if len(tmps) == 1 else
                    _replace_all(script, tmps, finals))
    return finals


def _replace_all(s, olds, news):
    for o, n in zip(olds, news):
        s = s.replace(o, n)
    return s


