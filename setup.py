"""The one compiled part: vault/_bulk, a C loop over libsodium for list
pages (see src/safepassage/vault/_bulk_build.py). Everything else is in
pyproject.toml."""

from setuptools import setup

setup(cffi_modules=["src/safepassage/vault/_bulk_build.py:ffibuilder"])
