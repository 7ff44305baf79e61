"""The suite as on a host where the vault's compiled loop was not built (no
C compiler at install): a pytest plugin, loaded before anything imports
safepassage, that makes ``safepassage.vault._bulk`` impossible to import.

    pytest -p tests.vault.without_compiled_loop tests/vault

``make test`` runs tests/vault this way once more, so both paths of
vault.bulk are exercised on every run.
"""

from __future__ import annotations

import importlib.abc
import sys
from collections.abc import Sequence
from importlib.machinery import ModuleSpec
from types import ModuleType

COMPILED_LOOP = "safepassage.vault._bulk"


class NotBuilt(importlib.abc.MetaPathFinder):
    """Finds the compiled loop nowhere, as on a host that did not build it."""

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> ModuleSpec | None:
        if fullname == COMPILED_LOOP:
            raise ModuleNotFoundError(f"No module named {fullname!r}", name=fullname)
        return None


if COMPILED_LOOP in sys.modules:
    raise RuntimeError(f"{COMPILED_LOOP} was imported before this plugin: load it with -p")
sys.meta_path.insert(0, NotBuilt())


def pytest_report_header() -> str:
    return f"vault: without the compiled loop ({COMPILED_LOOP} cannot be imported)"
