"""Every action recorded anywhere has a translated label.

The test reads every ``record(`` call under src/ (its second argument is the
action code) and checks the code has a label and a description in
audit/labels.py, translated into Russian and French. A call whose code is
not written out where it is made cannot be checked, so it fails too."""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

import pytest
from django.utils import translation

from safepassage.audit import labels
from safepassage.audit.chain import record
from safepassage.audit.models import AuditEntry

SOURCE = Path(__file__).resolve().parents[2] / "src" / "safepassage"
LOCALE = SOURCE / "locale"


def _codes(node: ast.expr) -> list[str] | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        body, orelse = _codes(node.body), _codes(node.orelse)
        if body is not None and orelse is not None:
            return body + orelse
    return None


def recorded_actions() -> dict[str, list[str]]:
    """Action code -> where it is recorded; unreadable codes under "?"."""
    found: dict[str, list[str]] = {}
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name != "record":
                continue
            where = f"{path.relative_to(SOURCE)}:{node.lineno}"
            argument = node.args[1] if len(node.args) > 1 else None
            if argument is None:
                argument = next((k.value for k in node.keywords if k.arg == "action"), None)
            codes = _codes(argument) if argument is not None else None
            for code in codes or ["?"]:
                found.setdefault(code, []).append(where)
    return found


def _catalogue(language: str) -> dict[object, str]:
    with (LOCALE / language / "LC_MESSAGES" / "django.mo").open("rb") as handle:
        return gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]


def test_the_scan_finds_the_calls() -> None:
    found = recorded_actions()
    assert len(found) > 40
    for code in ("auth.login", "analysis.pair_shown", "staff.activated", "staff.deactivated"):
        assert code in found


def test_every_recorded_action_has_a_label() -> None:
    found = recorded_actions()
    assert "?" not in found, f"write the action code where record() is called: {found.get('?')}"
    missing = {code: where for code, where in found.items() if code not in labels.ACTIONS}
    assert missing == {}, "add these actions to safepassage/audit/labels.py"


@pytest.mark.parametrize("language", ["ru", "fr"])
def test_every_label_is_translated(language: str) -> None:
    catalogue = _catalogue(language)
    untranslated = []
    for code, action in labels.ACTIONS.items():
        with translation.override("en"):
            msgids = [str(action.label), str(action.description)]
            runs = [str(action.many % {"count": n}) for n in (1, 5)] if action.many else []
        if any(not catalogue.get(msgid) for msgid in msgids):
            untranslated.append(code)
        with translation.override(language):
            if runs and [str(action.many % {"count": n}) for n in (1, 5)] == runs:
                untranslated.append(code)
    assert untranslated == []


@pytest.mark.django_db
def test_labels_are_shown_in_the_readers_language() -> None:
    with translation.override("ru"):
        assert labels.label("auth.login") != "Logged in"
        assert labels.many("analysis.pair_shown", 25) != "Showed 25 pairs for review"
    with translation.override("fr"):
        assert labels.label("analysis.pair_shown") != "Showed a pair for review"
    # An action no longer known shows its code rather than nothing.
    record("cli", "retired.action")
    entry = AuditEntry.objects.get()
    assert labels.label(entry.action) == "retired.action"


def recorded_detail_keys() -> dict[str, list[str]]:
    """Every keyword passed to ``record(`` under src/ (details), and where."""
    found: dict[str, list[str]] = {}
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            name = isinstance(node, ast.Call) and (
                getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            )
            if name != "record":
                continue
            for keyword in node.keywords:  # type: ignore[union-attr]
                if keyword.arg not in (None, "action", "outcome"):
                    where = f"{path.relative_to(SOURCE)}:{node.lineno}"  # type: ignore[union-attr]
                    found.setdefault(keyword.arg, []).append(where)
    return found


def test_every_recorded_detail_has_a_label() -> None:
    found = recorded_detail_keys()
    assert {"factor", "reason", "chain_ok", "searched"} <= set(found)
    missing = {key: where for key, where in found.items() if key not in labels.DETAILS}
    assert missing == {}, "add these details to DETAILS in safepassage/audit/labels.py"


@pytest.mark.parametrize("language", ["ru", "fr"])
def test_every_detail_and_coded_value_is_translated(language: str) -> None:
    catalogue = _catalogue(language)
    with translation.override("en"):
        words = [f"audit detail\x04{label}" for label in labels.DETAILS.values()]
        words += [
            f"audit value\x04{label}"
            for values in labels.VALUES.values()
            for label in values.values()
        ]
    assert len(words) > 60
    assert [word for word in words if not catalogue.get(word)] == []


def test_details_are_shown_in_the_readers_words() -> None:
    with translation.override("ru"):
        assert labels.detail("factor") != "factor"
        assert labels.detail_value("factor", "totp") not in (None, "totp")
        assert labels.detail_value("reason", "idle") not in (None, "idle")
    # Values that are not codes of ours (a request code) are left as they are.
    assert labels.detail_value("duplicate_of", "R-4KQ7XZ") is None
    assert labels.detail("retired_key") == "retired_key"
