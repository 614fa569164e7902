"""pip install . (pyproject.toml holds the rest): the version from
CMakeLists.txt's project() line, the one place it is written; the C core
(every file of common/core, as CMake's mpimark_core) as the package's _core
library, which mpimark_py/core.py loads with ctypes; and, where an MPI
compiler wrapper is found ($MPICC, else mpicc: the one pip builds mpi4py
with), the mpi4py runner's harness (common/CMakeLists.txt's
MPIMARK_HARNESS_SOURCES and every file of common/core)
as _harness_VENDOR, which runner/harness.py loads."""

import glob
import os
import re
import shutil
import subprocess

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

with open("CMakeLists.txt", encoding="utf-8") as f:
    version = re.search(r"project\(\s*mpimark\s+VERSION\s+([0-9.]+)", f.read()).group(1)

FLAGS = dict(define_macros=[("_POSIX_C_SOURCE", "200809L")],  # as CMakeLists.txt
             extra_compile_args=["-std=c11", "-O2"], libraries=["m"])
core = Extension("mpimark_py._core", sources=sorted(glob.glob("common/core/*.c")),
                 include_dirs=["common/core", "common/defs"], **FLAGS)


def mpi_vendor(mpicc):
    """openmpi, mpich or other, from the macros of the wrapper's mpi.h (as
    common/CMakeLists.txt decides); None when it cannot compile."""
    try:
        out = subprocess.run([mpicc, "-E", "-dM", "-x", "c", "-"], input="#include <mpi.h>\n",
                             capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return "openmpi" if "OMPI_MAJOR_VERSION" in out else "mpich" if "MPICH_VERSION" in out else "other"


def harness():
    """The runner's harness, compiled and linked by the MPI wrapper; None without one."""
    mpicc = os.environ.get("MPICC") or shutil.which("mpicc")
    vendor = mpicc and mpi_vendor(mpicc)
    if not vendor:
        return None
    with open("common/CMakeLists.txt", encoding="utf-8") as f:
        sources = re.search(r"set\(MPIMARK_HARNESS_SOURCES([^)]*)\)", f.read()).group(1).split()
    ext = Extension("mpimark_py._harness_" + vendor,
                    sources=["common/" + s for s in sources] + sorted(glob.glob("common/core/*.c")),
                    include_dirs=["common/core", "common/mpi", "common/defs"], py_limited_api=True,
                    **FLAGS)
    ext.mpicc = mpicc
    return ext


class BuildExt(build_ext):
    """Compiles and links an extension with its MPI wrapper, if it has one."""
    def build_extension(self, ext):
        mpicc = getattr(ext, "mpicc", None)
        if mpicc is None:
            return super().build_extension(ext)
        saved = self.compiler.compiler_so, self.compiler.linker_so
        self.compiler.set_executable("compiler_so", [mpicc] + saved[0][1:])
        self.compiler.set_executable("linker_so", [mpicc] + saved[1][1:])
        try:
            super().build_extension(ext)
        finally:
            self.compiler.compiler_so, self.compiler.linker_so = saved


os.makedirs("build/pip", exist_ok=True)
# Intermediate files under build/pip, beside CMake's build (never in the sources).
setup(version=version, ext_modules=[e for e in (core, harness()) if e], cmdclass={"build_ext": BuildExt},
      options={"build": {"build_base": "build/pip"}, "egg_info": {"egg_base": "build/pip"}})
