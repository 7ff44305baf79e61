"""Russian and French cover every string of the interface, and the
compiled catalogues match their sources."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "safepassage"
LANGUAGES = ["ru", "fr"]

TEMPLATE_STRING = re.compile(r"""\{% translate "([^"]+)" %\}""")
PYTHON_STRING = re.compile(r"""\b_\(\s*"((?:[^"\\]|\\.)+)"\s*\)""")


def catalogue(language: str) -> dict[str, str]:
    mo = PACKAGE / "locale" / language / "LC_MESSAGES" / "django.mo"
    with mo.open("rb") as handle:
        return gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]


def interface_strings() -> set[str]:
    found: set[str] = set()
    for template in PACKAGE.rglob("templates/**/*.html"):
        found |= set(TEMPLATE_STRING.findall(template.read_text()))
    for source in PACKAGE.rglob("*.py"):
        if "migrations" in source.parts:
            continue
        found |= {
            s.encode("latin-1", "backslashreplace").decode("unicode_escape")
            for s in PYTHON_STRING.findall(source.read_text())
        }
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_interface_string_is_translated(language: str) -> None:
    strings = interface_strings()
    assert len(strings) > 100
    translated = catalogue(language)
    missing = sorted(s for s in strings if not translated.get(s))
    assert missing == [], "run `make messages` and translate: " + "; ".join(missing[:5])


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_matches_its_source(language: str) -> None:
    po = (PACKAGE / "locale" / language / "LC_MESSAGES" / "django.po").read_text()
    assert "#, fuzzy" not in po
    entries = len(re.findall(r'^msgid "', po, flags=re.MULTILINE)) - 1  # minus the header
    # Plural entries appear once per form, keyed (msgid, form).
    msgids = {key[0] if isinstance(key, tuple) else key for key in catalogue(language)}
    assert entries == len(msgids - {""})
