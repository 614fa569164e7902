# Spack recipe for mpimark (docs/integrations.md). Put integrations/spack in a Spack
# repository (`spack repo add integrations/spack` with its repo.yaml), then
# `spack install mpimark`. Not built by Spack here: Spack is not reachable
# from the machines this is developed on; tests/integrations/spack_recipe.py
# checks that it parses and that its versions, variants and CMake options
# are the project's.
from spack.package import *


class Mpimark(CMakePackage):
    """MPI benchmark suite: point-to-point and collective latency and
    bandwidth across message sizes, the mpi4py pickled-object path against
    the buffer path, 95% intervals that hold from one run to the next,
    plots and reports."""

    homepage = "https://github.com/mpimark/mpimark"
    git = "https://github.com/mpimark/mpimark.git"

    version("main", branch="main")
    version("0.1.0", tag="v0.1.0")

    variant("sanitize", default=False,
            description="Build with AddressSanitizer and UndefinedBehaviorSanitizer")
    variant("python", default=True,
            description="The mpi4py runner's run-time dependencies (mpi4py, NumPy)")
    variant("gnuplot", default=True, description="gnuplot for the plots and reports")

    depends_on("c", type="build")
    depends_on("cmake@3.18:", type="build")
    depends_on("mpi")
    # The Python side (mpimark-py: measure, compare, plot, report) runs on
    # python3 alone; the mpi4py runner needs mpi4py and NumPy as well.
    depends_on("python@3.9:", type=("build", "run"))
    depends_on("py-mpi4py", type="run", when="+python")
    depends_on("py-numpy", type="run", when="+python")
    depends_on("gnuplot", type="run", when="+gnuplot")

    def cmake_args(self):
        return [
            self.define("CMAKE_C_COMPILER", self.spec["mpi"].mpicc),
            self.define_from_variant("MPIMARK_SANITIZE", "sanitize"),
        ]
