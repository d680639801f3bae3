"""The package list, found rather than kept by hand in setup.cfg: a subpackage added there was left out of the
wheel, and its imports failed only once installed. The repository root is the ``nasloop`` package (setup.cfg's
``package_dir``), so each folder found under it with an ``__init__.py`` is named below ``nasloop``. tests/,
benchmarks/ and examples/ ship in the sdist only (MANIFEST.in), never as modules of the installed package.
"""
from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

NOT_PACKAGES = ("tests", "tests.*", "benchmarks", "benchmarks.*", "examples", "examples.*", "build", "build.*")


class BuildPy(build_py):
    """Every module of the root ships, as ``nasloop.<name>``, but this file: ``import nasloop.setup`` would run a
    build."""

    def find_package_modules(self, package: str, package_dir: str) -> list[tuple[str, str, str]]:
        found = super().find_package_modules(package, package_dir)
        return [entry for entry in found if entry[:2] != ("nasloop", "setup")]


setup(packages=["nasloop", *(f"nasloop.{name}" for name in find_packages(".", exclude=NOT_PACKAGES))],
      cmdclass={"build_py": BuildPy})
