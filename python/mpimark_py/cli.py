"""mpimark-py: mpimark's Python side, one command.

usage: mpimark-py COMMAND [OPTIONS] ...     (or: python3 -m mpimark_py COMMAND ...)

Commands:
  run       the mpi4py runner: mpimark's sweep on real mpi4py
            (mpirun -np 2 mpimark-py run sendrecv -m 8,1K)
  measure   L separate launches of an mpimark command, merged into one CSV
  merge     merge the CSVs of separate launches into one measurement
  compare   two or more result CSVs side by side, with verdicts that respect noise
  plot      figures (PNG, SVG) of result CSVs, with gnuplot
  report    one self-contained HTML and markdown report of results folders
  model     each latency curve as regimes of alpha + bytes/beta, with its breakpoints
  scaling   a strong or weak scaling study of any MPI program (montecarlo_pi by default)
  launcher  the command that starts N ranks here (srun, mpirun, mpiexec.mpich)

`mpimark-py COMMAND --help` explains each; none of them needs MPI for
--help. The scripts in scripts/ of a clone (scripts/compare, ...) run the
same commands. Every command reads options the same way, never replaces a
file it did not write unless --force, and reports bad input as one line
with exit status 2 (1: the work itself failed).
"""

import argparse
import importlib
import sys

from . import core
from .errors import Failure, UsageError
from .launcher import Stopped

PROG = "mpimark-py"
COMMANDS = ("run", "measure", "merge", "compare", "plot", "report", "model", "scaling", "launcher")


class Parser(argparse.ArgumentParser):
    """argparse that reports bad input through UsageError (one line, exit 2)
    and whose -h prints the command's own help text (its module's docstring)."""

    def __init__(self, command, doc):
        super().__init__(prog="%s %s" % (PROG, command), add_help=False)
        self.doc = doc
        self.add_argument("-h", "--help", action="store_true")

    def error(self, message):
        raise UsageError(message + " (see --help)")

    def parse_args(self, args=None, namespace=None):
        known, rest = self.parse_known_args(args, namespace)
        if rest:  # what no option or operand of this command takes
            what = "unknown option" if rest[0].startswith("-") else "unexpected argument"
            raise UsageError("%s '%s' (see --help)" % (what, rest[0]))
        return known


def main(argv=None):
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv:
        return _fail("", UsageError("no command given (see --help)"), 2)
    if argv[0] in ("-h", "--help"):
        sys.stdout.write(__doc__)
        return 0
    command, rest = argv[0], argv[1:]
    if command not in COMMANDS:
        return _fail("", UsageError("unknown command '%s' (choose from: %s)" % (command, ", ".join(COMMANDS))), 2)
    module = importlib.import_module("." + command, __package__)
    try:
        if command == "run":  # the runner parses mpimark's own options (options.def)
            return module.main(rest)
        p = Parser(command, module.__doc__)
        module.add_arguments(p)
        args = p.parse_args(rest)
        if args.help:
            sys.stdout.write(module.__doc__)
            return 0
        return module.run(args)
    except UsageError as e:
        return _fail(command, e, 2)
    except Failure as e:
        return _fail(command, e, 1)
    except BrokenPipeError:  # `mpimark-py compare ... | head`
        return 0
    except Stopped as e:  # scancel, a time limit: the launch was ended (launcher.run_group)
        return _fail(command, "stopped by %s; the launch under way was ended" % e, 128 + e.signum)
    except KeyboardInterrupt:  # Ctrl-C: one line, not a traceback
        return _fail(command, UsageError("interrupted (SIGINT); nothing was written"), 130)


def _fail(command, err, code):
    text = str(err)
    if code != 1:  # bad input is one line, whatever it quotes (gnuplot's own lines may follow a failure)
        text = core.error_line(text)
    sys.stderr.write("%s: %s\n" % (" ".join(filter(None, (PROG, command))), text))
    return code
