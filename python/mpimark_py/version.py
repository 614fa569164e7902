"""What mpimark the Python side belongs to: its version (one source, the
project() line of CMakeLists.txt) and, in a git clone, its commit."""

import os
import re
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))  # the clone's top (python/..)


def project_version():
    """mpimark's version: the VERSION file the CMake install writes beside
    this module, else the project() line of CMakeLists.txt (a clone; pip
    install . reads it too), else what pip recorded."""
    try:
        with open(os.path.join(HERE, "VERSION")) as f:
            return f.read().strip()
    except OSError:
        pass
    try:
        with open(os.path.join(REPO, "CMakeLists.txt")) as f:
            m = re.search(r"project\(\s*mpimark\s+VERSION\s+([0-9.]+)", f.read())
        return m.group(1) if m else "unknown"
    except OSError:
        pass
    try:
        from importlib.metadata import version
        return version("mpimark-py")
    except Exception:  # not installed by pip either
        return "unknown"


def git_commit():
    """The commit of the source tree, as the C build records it
    (cmake/build_id.cmake): `git describe --always --dirty --abbrev=12` when
    REPO is the top of a git checkout, else "unknown"."""
    try:
        top = subprocess.run(["git", "-C", REPO, "rev-parse", "--show-toplevel"],
                             capture_output=True, text=True, timeout=10)
        if top.returncode != 0 or os.path.realpath(top.stdout.strip()) != os.path.realpath(REPO):
            return "unknown"
        out = subprocess.run(["git", "-C", REPO, "describe", "--always", "--dirty", "--abbrev=12"],
                             capture_output=True, text=True, timeout=10)
        return out.stdout.strip() or "unknown" if out.returncode == 0 else "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"
