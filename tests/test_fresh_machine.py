"""A fresh machine: the targets that run tests install what the tests need
first, and the benchmarks' set-up leaves nothing missing."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def rules() -> dict[str, tuple[list[str], list[str]]]:
    """Makefile targets: (prerequisites, recipe lines)."""
    found: dict[str, tuple[list[str], list[str]]] = {}
    current: str | None = None
    for line in (ROOT / "Makefile").read_text().splitlines():
        if line.startswith("\t") and current is not None:
            found[current][1].append(line.strip())
            continue
        match = re.match(r"^([\w$().\-/]+):(?!=)\s*(.*)$", line)
        if match and not line.startswith(".PHONY"):
            current = match.group(1)
            found[current] = (match.group(2).split(), [])
        elif not line.strip().startswith("#"):
            current = None
    return found


def test_it_installs_the_system_packages_before_every_pass_of_the_suite() -> None:
    found = rules()
    runners = [target for target, (_pre, recipe) in found.items() if "pytest" in " ".join(recipe)]
    assert {"test-sqlite", "test-postgres"} <= set(runners)
    for target in runners:
        assert "system-deps" in found[target][0], f"{target} runs tests before system-deps"
    assert set(found["test"][0]) >= {"lint", "typecheck", "test-sqlite", "test-postgres"}


def test_it_installs_every_system_package_the_tests_use() -> None:
    script = (ROOT / "scripts" / "system-deps.sh").read_text()
    for package in ("postgresql", "chromium", "fonts-dejavu-core", "openjdk-17-jre-headless"):
        assert package in script
    # Several installs at once (two checkouts on one machine) wait for apt's lock.
    assert script.count("DPkg::Lock::Timeout") == 2


def test_it_checks_the_benchmark_packages_are_complete() -> None:
    _pre, recipe = rules()["bench-deps"]
    assert any("--no-deps" in line for line in recipe)
    assert any("pip check" in line for line in recipe), "an incomplete lock must fail"
    assert any("system-deps.sh --bench" in line for line in recipe), "wrk and valgrind"


def test_every_benchmark_script_is_listed_with_its_command() -> None:
    readme = (ROOT / "bench" / "README.md").read_text()
    helpers = {"__init__.py", "common.py", "settings.py"}
    scripts = {path.name for path in (ROOT / "bench").glob("*.py")} - helpers
    listed = set(re.findall(r"bench/(\w+\.py)", readme))
    assert scripts <= listed, f"not in bench/README.md: {sorted(scripts - listed)}"
    assert listed <= scripts, f"listed but missing: {sorted(listed - scripts)}"
