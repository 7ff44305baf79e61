"""Settings come from the environment; a bad value stops start-up with a
clear message naming the variable, and production mode is strict."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from safepassage.env import ConfigError, Env

GOOD_SECRET = "k3Jq9-vXw2_Lm8RtZ4pN7yB1cH6dF0gS5aE-uI9oP2qW4eR6tY8uIoPa"
GOOD_AUDIT_KEY = "Q7w-E9r_T1y3U5i7O9p2A4s6D8f0G1h3J5k7L9z2X4c6V8b0N1m3Qa"


def run_cli(
    *args: str, env: dict[str, str] | None = None, data_dir: Path, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    base = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SAFEPASSAGE_", "DJANGO_"))
    }
    base["SAFEPASSAGE_DATA_DIR"] = str(data_dir)
    base.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "safepassage.cli", *args],
        env=base,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def production(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        "SAFEPASSAGE_MODE": "production",
        "SAFEPASSAGE_SECRET_KEY": GOOD_SECRET,
        "SAFEPASSAGE_AUDIT_KEY": GOOD_AUDIT_KEY,
        "SAFEPASSAGE_ALLOWED_HOSTS": "help.example.org",
    }
    env.update(extra)
    return env


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("SAFEPASSAGE_IDLE_TIMEOUT_MINUTES", "thirty", "must be a whole number, not 'thirty'"),
        ("SAFEPASSAGE_IDLE_TIMEOUT_MINUTES", "0", "must be between 1 and 1440, not 0"),
        ("SAFEPASSAGE_DEBUG", "maybe", "must be true or false"),
        ("SAFEPASSAGE_MODE", "prod", "must be one of development, production, not 'prod'"),
        ("SAFEPASSAGE_LOG_LEVEL", "LOUD", "must be one of DEBUG, INFO, WARNING, ERROR"),
        ("SAFEPASSAGE_IDEL_TIMEOUT_MINUTES", "10", "Unknown setting(s): SAFEPASSAGE_IDEL_TIMEOUT"),
        (
            "DATABASE_URL",
            "mysql://db/safepassage",
            "DATABASE_URL must name an sqlite:// or postgres://",
        ),
        ("SAFEPASSAGE_ALLOWED_HOSTS", "a.example,,b.example", "empty item"),
        ("SAFEPASSAGE_SERVE_HEADER_TIMEOUT_SECONDS", "0", "must be between 1 and 600, not 0"),
        ("SAFEPASSAGE_SERVE_SPOOL_MB", "64", "must hold at least one of the largest requests"),
        (
            "SAFEPASSAGE_C2PA_TRUST_ANCHORS",
            "/nowhere/anchors.pem",
            "not a file of PEM certificates",
        ),
    ],
)
def test_a_bad_value_stops_start_up_with_a_clear_message(
    tmp_path: Path, variable: str, value: str, message: str
) -> None:
    result = run_cli("check", env={variable: value}, data_dir=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr
    assert variable.split("_MINUTES")[0] in result.stderr
    assert "Traceback" not in result.stderr


def test_a_fresh_checkout_needs_no_configuration(tmp_path: Path) -> None:
    result = run_cli("check", env={"DATABASE_URL": ""}, data_dir=tmp_path)
    assert result.returncode == 0, result.stderr
    # Development secrets are generated once, readable only by their owner.
    for name in ("secret_key", "audit_key"):
        assert (tmp_path / name).stat().st_mode & 0o077 == 0


def test_production_needs_its_secrets(tmp_path: Path) -> None:
    env = production(tmp_path)
    del env["SAFEPASSAGE_SECRET_KEY"]
    result = run_cli("check", env=env, data_dir=tmp_path)
    assert result.returncode == 2
    assert "SAFEPASSAGE_SECRET_KEY (or SAFEPASSAGE_SECRET_KEY_FILE) must be set" in result.stderr


def test_production_refuses_a_weak_secret(tmp_path: Path) -> None:
    result = run_cli(
        "check", env=production(tmp_path, SAFEPASSAGE_SECRET_KEY="short"), data_dir=tmp_path
    )
    assert result.returncode == 2
    assert "at least 50 random characters" in result.stderr


def test_production_needs_allowed_hosts(tmp_path: Path) -> None:
    env = production(tmp_path)
    del env["SAFEPASSAGE_ALLOWED_HOSTS"]
    result = run_cli("check", env=env, data_dir=tmp_path)
    assert "SAFEPASSAGE_ALLOWED_HOSTS must list the host names" in result.stderr


def test_production_refuses_debug(tmp_path: Path) -> None:
    result = run_cli("check", env=production(tmp_path, SAFEPASSAGE_DEBUG="true"), data_dir=tmp_path)
    assert "SAFEPASSAGE_DEBUG cannot be true" in result.stderr


def test_production_passes_the_deployment_checklist(tmp_path: Path) -> None:
    result = run_cli(
        "check", "--deploy", "--fail-level", "WARNING", env=production(tmp_path), data_dir=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_secrets_can_come_from_files(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text(GOOD_SECRET + "\n")
    env = production(tmp_path, SAFEPASSAGE_SECRET_KEY_FILE=str(secret))
    del env["SAFEPASSAGE_SECRET_KEY"]
    result = run_cli("check", "--deploy", env=env, data_dir=tmp_path)
    assert result.returncode == 0, result.stderr


def test_a_secret_file_that_cannot_be_read_is_an_error(tmp_path: Path) -> None:
    env = production(tmp_path, SAFEPASSAGE_SECRET_KEY_FILE=str(tmp_path / "missing"))
    del env["SAFEPASSAGE_SECRET_KEY"]
    result = run_cli("check", env=env, data_dir=tmp_path)
    assert result.returncode == 2
    assert "cannot be read (FileNotFoundError)" in result.stderr


def test_a_secret_set_twice_is_an_error() -> None:
    env = Env({"X_KEY": "a", "X_KEY_FILE": "/nowhere"})
    with pytest.raises(ConfigError, match="both set"):
        env.secret("X_KEY")


def test_booleans_numbers_and_lists_parse_strictly() -> None:
    env = Env({"A": "Yes", "B": " 42 ", "C": "x, y", "D": ""})
    assert env.flag("A", False) is True
    assert env.number("B", 0, minimum=0, maximum=100) == 42
    assert env.items("C", []) == ["x", "y"]
    assert env.number("D", 7, minimum=0, maximum=10) == 7  # empty means default
    with pytest.raises(ConfigError):
        env.number("B", 0, minimum=0, maximum=10)
