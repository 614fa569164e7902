"""pip install . (pyproject.toml holds the rest): the version from
CMakeLists.txt's project() line, the one place it is written, and the C core
(every file of common/core, as CMake's mpimark_core) as the package's _core
library, which mpimark_py/core.py loads with ctypes."""

import glob
import os
import re

from setuptools import Extension, setup

with open("CMakeLists.txt", encoding="utf-8") as f:
    version = re.search(r"project\(\s*mpimark\s+VERSION\s+([0-9.]+)", f.read()).group(1)

core = Extension("mpimark_py._core", sources=sorted(glob.glob("common/core/*.c")),
                 include_dirs=["common/core", "common/defs"], libraries=["m"],
                 define_macros=[("_POSIX_C_SOURCE", "200809L")],  # as CMakeLists.txt
                 extra_compile_args=["-std=c11", "-O2"])

os.makedirs("build/pip", exist_ok=True)
# Intermediate files under build/pip, beside CMake's build (never in the sources).
setup(version=version, ext_modules=[core],
      options={"build": {"build_base": "build/pip"}, "egg_info": {"egg_base": "build/pip"}})
