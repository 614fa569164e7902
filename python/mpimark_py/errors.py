"""mpimark's error codes, read from common/defs/errors.def, the list the C code
compiles: OK, EUSAGE, ... as indices (ranks agree on the maximum, so the
order matters as in C), their exit codes and messages; and the two ways a
subcommand of mpimark-py stops (cli.py prints either as one line)."""

from . import defs

_ERRORS = defs.errors()
globals().update({name[3:]: i for i, (name, _, _) in enumerate(_ERRORS)})  # OK, EUSAGE, ...
EXIT_CODE = [int(code) for _, code, _ in _ERRORS]
STRERROR = [msg for _, _, msg in _ERRORS]


class UsageError(Exception):
    """Bad input (an option, a file that is not what it should be): exit 2."""


class Failure(Exception):
    """The input was right and the work failed (writing, gnuplot, a launch): exit 1."""
