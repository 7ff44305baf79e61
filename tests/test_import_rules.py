"""The import rules of DESIGN.md, checked by reading every module's imports
(ast, nothing is imported): each arrow points down.

- vault, audit and jobs import no feature app; only vault imports PyNaCl;
- intake imports cases; cases never imports intake, nor placement
  (placement imports cases);
- documentation never imports cases (testimony comes through a consented
  hand-over action in cases);
- nothing imports reports;
- only site imports every app: no app imports site.

The rules name apps that do not exist yet (jobs, site, placement,
documentation, reports): they hold from the day each one is added. Every
top-level package of safepassage must be placed in LAYERS, so a new app
cannot slip past the rules unplaced.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[1] / "src" / "safepassage"

# Every top-level package of safepassage, by layer. "project" is the
# modules directly in safepassage/ (settings, urls, cli, asgi...), which
# assemble the site as site does.
FOUNDATION = frozenset({"vault", "audit", "jobs"})
SHARED = frozenset({"accounts", "front", "formats", "sqlite", "spreadsheets"})
FEATURES = frozenset({"intake", "cases", "placement", "documentation", "analysis", "reports"})
TOP = frozenset({"site", "project"})
LAYERS = FOUNDATION | SHARED | FEATURES | TOP
EVERY = LAYERS


@dataclass(frozen=True)
class Rule:
    says: str
    importers: frozenset[str]
    forbidden: frozenset[str] | set[str]


RULES = [
    Rule("vault, audit and jobs import no feature app", FOUNDATION, FEATURES),
    Rule("accounts and the server's front import no feature app", SHARED, FEATURES),
    Rule("cases never imports intake", frozenset({"cases"}), frozenset({"intake"})),
    Rule(
        "placement imports cases, never the reverse", frozenset({"cases"}), frozenset({"placement"})
    ),
    Rule("documentation never imports cases", frozenset({"documentation"}), frozenset({"cases"})),
    Rule("nothing imports reports", EVERY - {"reports", "site", "project"}, frozenset({"reports"})),
    Rule("only site imports every app: no app imports site", EVERY - TOP, frozenset({"site"})),
]

# Only the vault speaks to libsodium.
CRYPTOGRAPHY = frozenset({"nacl"})
CRYPTOGRAPHY_OWNERS = frozenset({"vault"})

# Calls that import a module named by a string.
IMPORTING_CALLS = {"import_module", "__import__", "include"}


@dataclass(frozen=True)
class Import:
    where: str  # path:line
    importer: str  # the importing app ("project" for safepassage/*.py)
    module: str  # the module imported, absolute


def app_of(module: str) -> str | None:
    """The app of a module of ours ("safepassage.cases.models" -> "cases"),
    "project" for safepassage's own modules, None for other packages."""
    parts = module.split(".")
    if parts[0] != "safepassage":
        return None
    if len(parts) == 1:
        return "project"
    name = parts[1]
    if (SOURCE / f"{name}.py").exists():
        return "project"
    return name


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SOURCE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_in(source: str, module: str, is_package: bool, filename: str) -> list[Import]:
    """Every module ``source`` imports, with relative imports resolved."""
    importer = app_of(module) or "project"
    found = []
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source, filename=filename)):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                prefix = ".".join(base)
                target = f"{prefix}.{node.module}" if node.module else prefix
            else:
                target = node.module or ""
            names = [target] + [f"{target}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Call):
            function = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if function in IMPORTING_CALLS and node.args:
                argument = node.args[0]
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                    names = [argument.value]
        line = getattr(node, "lineno", 0)
        found += [Import(f"{filename}:{line}", importer, name) for name in names]
    return found


def every_import() -> list[Import]:
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        found += imports_in(
            path.read_text(encoding="utf-8"),
            module_name(path),
            path.name == "__init__.py",
            str(path.relative_to(SOURCE.parent)),
        )
    return found


def breaches(imports: list[Import]) -> list[str]:
    found = []
    for item in imports:
        target = app_of(item.module)
        top = item.module.split(".")[0]
        if top in CRYPTOGRAPHY and item.importer not in CRYPTOGRAPHY_OWNERS:
            found.append(f"{item.where}: only the vault imports {top}")
        if target is None or target == item.importer:
            continue
        for rule in RULES:
            if item.importer in rule.importers and target in rule.forbidden:
                found.append(f"{item.where}: {item.importer} imports {target} ({rule.says})")
    return list(dict.fromkeys(found))


def test_every_app_is_placed_in_the_rule_table() -> None:
    packages = {
        path.name
        for path in SOURCE.iterdir()
        if path.is_dir() and any(path.rglob("*.py")) and path.name != "__pycache__"
    }
    assert packages - LAYERS == set(), "place the new app in LAYERS of tests/test_import_rules.py"


def test_the_apps_follow_the_import_rules() -> None:
    imports = every_import()
    assert len(imports) > 500  # the walk found the code
    assert breaches(imports) == []


@pytest.mark.parametrize(
    ("module", "source", "says"),
    [
        (
            "safepassage.cases.views",
            "from safepassage.intake import models",
            "never imports intake",
        ),
        (
            "safepassage.cases.stays",
            "from ..intake.models import Submission",
            "never imports intake",
        ),
        ("safepassage.cases.offer", "import safepassage.placement.models", "never the reverse"),
        ("safepassage.vault.keys", "from safepassage.cases import models", "no feature app"),
        ("safepassage.jobs.runner", "from safepassage.analysis import runs", "no feature app"),
        ("safepassage.audit.views", "from safepassage.site import menu", "no app imports site"),
        ("safepassage.documentation.acts", "from safepassage.cases.actions import x", "never"),
        ("safepassage.analysis.views", "from safepassage.reports import build", "reports"),
        (
            "safepassage.intake.apps",
            "import_module('safepassage.site.menu')",
            "no app imports site",
        ),
        ("safepassage.intake.crypto", "from nacl import bindings", "only the vault imports nacl"),
    ],
)
def test_it_catches_a_forbidden_import(module: str, source: str, says: str) -> None:
    found = breaches(imports_in(source, module, False, "example.py"))
    assert len(found) == 1
    assert says in found[0]


def test_it_allows_what_the_rules_allow() -> None:
    allowed = [
        ("safepassage.intake.actions", "from safepassage.cases import actions"),
        ("safepassage.placement.proposals", "from safepassage.cases.access import get_case_for"),
        ("safepassage.site.menu", "from safepassage.reports import views"),
        ("safepassage.urls", "from safepassage.intake.urls import public_urlpatterns"),
        ("safepassage.vault.crypto", "import nacl.bindings"),
        ("safepassage.cases.models", "from .opening import Identity"),
    ]
    for module, source in allowed:
        assert breaches(imports_in(source, module, False, "example.py")) == [], source
