"""The one compiled part, and an optional one: vault/_bulk, the loop of
list pages over libsodium (see src/safepassage/vault/_bulk.c). Without a C
compiler the install goes on without it, says so, and list pages open their
values in Python (vault/bulk.py). Everything else is in pyproject.toml."""

import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

SKIPPED = """
safepassage: the vault's compiled loop (safepassage.vault._bulk) was not built:
  {error}
The install goes on without it: list pages open their values in Python,
more slowly, and everything else is the same. To build it, install a C
compiler and Python's headers (Debian: build-essential python3-dev) and
install again. `safepassage check` says which path is in use.
"""


class OptionalBuildExt(build_ext):
    """build_ext that says plainly why an optional extension was skipped
    (setuptools goes on after an optional extension fails, with a terse
    warning)."""

    def build_extension(self, ext: Extension) -> None:
        try:
            super().build_extension(ext)
        except Exception as error:
            if not ext.optional:
                raise
            print(SKIPPED.format(error=error), file=sys.stderr)
            raise


setup(
    cmdclass={"build_ext": OptionalBuildExt},
    ext_modules=[
        Extension(
            "safepassage.vault._bulk",
            sources=["src/safepassage/vault/_bulk.c"],
            extra_compile_args=["-O2", "-Wall"],
            optional=True,
        )
    ],
)
