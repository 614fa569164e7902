"""python3 -m mpimark_py COMMAND ...: the same as the mpimark-py command."""

import sys

from .cli import main

sys.exit(main())
