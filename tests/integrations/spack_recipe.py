#!/usr/bin/python3
"""spack_recipe.py ROOT: integrations/spack/packages/mpimark/package.py checked
without Spack (which is not reachable here): it parses as Python; it is a
CMakePackage named Mpimark; its numbered versions include CMakeLists.txt's
project version; every CMake option it defines from a variant is an
option() of CMakeLists.txt and the variant is declared; its cmake
requirement is cmake_minimum_required's; it depends on mpi, python,
py-mpi4py, py-numpy and (recommended) gnuplot."""
import ast
import re
import sys

root = sys.argv[1]
recipe = f"{root}/integrations/spack/packages/mpimark/package.py"
cmake = open(f"{root}/CMakeLists.txt").read()
tree = ast.parse(open(recipe).read(), recipe)
fails = []


def check(ok, what):
    print(("ok: " if ok else "FAIL: ") + what)
    if not ok:
        fails.append(what)


classes = [n for n in tree.body if isinstance(n, ast.ClassDef)]
check(len(classes) == 1 and classes[0].name == "Mpimark"
      and [getattr(b, "id", None) for b in classes[0].bases] == ["CMakePackage"],
      "one class, Mpimark(CMakePackage)")
calls = {}  # directive name -> [(positional args, keyword args)] as literals
for node in ast.walk(tree):
    if isinstance(node, ast.Call):
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        args = [ast.literal_eval(a) for a in node.args if isinstance(a, ast.Constant)]
        kw = {k.arg: ast.literal_eval(k.value) for k in node.keywords
              if isinstance(k.value, (ast.Constant, ast.Tuple))}
        calls.setdefault(name, []).append((args, kw))

project = re.search(r"project\(mpimark VERSION ([0-9.]+)", cmake).group(1)
versions = [a[0] for a, _ in calls.get("version", [])]
check(project in versions, f"version {project} (CMakeLists.txt) among {versions}")
options = set(re.findall(r"^option\((\w+)", cmake, re.M))
variants = {a[0] for a, _ in calls.get("variant", [])}
for a, _ in calls.get("define_from_variant", []):
    check(a[0] in options, f"CMake option {a[0]} exists ({sorted(options)})")
    check(a[1] in variants, f"variant {a[1]} is declared")
need = re.search(r"cmake_minimum_required\(VERSION ([0-9.]+)\)", cmake).group(1)
deps = [a[0] for a, _ in calls.get("depends_on", [])]
check(f"cmake@{need}:" in deps, f"depends_on cmake@{need}: (cmake_minimum_required)")
for d in ("mpi", "py-mpi4py", "py-numpy", "gnuplot"):
    check(d in deps, f"depends_on {d}")
check(any(d.startswith("python@") for d in deps), "depends_on python")
sys.exit(1 if fails else 0)
