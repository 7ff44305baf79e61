"""The one compiled part: vault/_bulk, a C loop over libsodium for list
pages (see src/safepassage/vault/_bulk.c). Everything else is in
pyproject.toml."""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "safepassage.vault._bulk",
            sources=["src/safepassage/vault/_bulk.c"],
            extra_compile_args=["-O2", "-Wall"],
        )
    ]
)
