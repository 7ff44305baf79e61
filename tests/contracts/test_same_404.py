"""The same 404 for an outsider as for nothing, for every access function.

Every ``get_*_for`` function under src/ is found by reading the code, and
each must have its entry in access_registry.REGISTRY: a function added
without one fails here. For each: someone who may gets the record; an
outsider gets Http404 for it and for a record that does not exist, both
refusals audited; and a page that answers through it gives the outsider
the same page, byte for byte (what differs per request blanked), for the
record and for nothing.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path
from typing import Any

import pytest
from django.http import Http404
from django.test import Client

from safepassage.audit.models import AuditEntry
from safepassage.vault.keyring import using_keyring
from tests.base import Organisation, Vault, comparable, keyring_of, sign_in
from tests.contracts.access_registry import REGISTRY, Setting

SOURCE = Path(__file__).resolve().parents[2] / "src" / "safepassage"


def access_functions() -> set[str]:
    """Every module-level ``get_..._for`` function under src/, as "module:name"."""
    found = set()
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        module = ".".join(("safepassage", *path.relative_to(SOURCE).with_suffix("").parts))
        for node in tree.body:
            named = isinstance(node, ast.FunctionDef) and node.name.startswith("get_")
            if named and node.name.endswith("_for"):  # type: ignore[union-attr]
                found.add(f"{module}:{node.name}")  # type: ignore[union-attr]
    return found


def test_every_access_function_has_its_entry() -> None:
    found = access_functions()
    assert len(found) > 30
    assert "safepassage.cases.access:get_case_for" in found
    assert found - set(REGISTRY) == set(), "add an entry to tests/contracts/access_registry.py"
    assert set(REGISTRY) - found == set(), "remove the entries of functions that are gone"


def _function(name: str) -> Any:
    module, _sep, attribute = name.partition(":")
    return getattr(importlib.import_module(module), attribute)


def _denials(user: Any) -> int:
    return AuditEntry.objects.filter(action="access.denied", actor=f"user:{user.pk}").count()


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_an_outsider_gets_the_same_404_as_for_nothing(
    org: Organisation, vault: Vault, name: str
) -> None:
    entry, function = REGISTRY[name], _function(name)
    setting = Setting(org, vault)
    present, missing = entry.present(setting), entry.missing(setting)
    insider, outsider = entry.insider(setting), entry.outsider(setting)
    with using_keyring(keyring_of(insider)):
        assert function(insider, *present) is not None
        with pytest.raises(Http404):
            function(insider, *missing)
    before = _denials(outsider)
    with using_keyring(keyring_of(outsider)):
        for arguments in (present, missing):
            with pytest.raises(Http404):
                function(outsider, *arguments)
    assert _denials(outsider) - before == 2
    if entry.page is None:
        assert entry.no_page, f"{name}: name a page that answers through it, or say why none"
        return
    page, nothing = entry.page(*present), entry.page(*missing)
    client = Client()
    if entry.method == "get":
        sign_in(client, insider)
        assert client.get(page).status_code == 200, page
    sign_in(client, outsider)
    ask = getattr(client, entry.method)
    refused, absent = ask(page), ask(nothing)
    assert refused.status_code == absent.status_code == 404, page
    assert comparable(refused) == comparable(absent), page
