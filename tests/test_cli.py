"""The `safepassage` command: help, the demo, creating users, serving."""

from __future__ import annotations

import base64
import io
import re
import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django_otp.oath import TOTP

from safepassage.accounts.models import User
from safepassage.audit.models import AuditEntry
from safepassage.cli import COMMANDS, main
from tests.test_settings import production, run_cli


def test_help_explains_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in COMMANDS:
        assert f"  {command} " in out


def test_an_unknown_command_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["launch"]) == 2
    assert "unknown command 'launch'" in capsys.readouterr().err


# The demo builds nine months of casework: minutes on a busy machine.
DEMO_SECONDS = 400


def test_the_demo_sets_up_everything_for_a_newcomer(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}"}
    result = run_cli("demo", env=env, data_dir=tmp_path, timeout=DEMO_SECONDS)
    assert result.returncode == 0, result.stderr
    rows = re.findall(r"^  (\S+)\s+(\S+)\s+([0-9a-z-]{23})\s+([A-Z2-7 ]+)$", result.stdout, re.M)
    assert [row[1] for row in rows] == [
        "coordinator",
        "caseworker",
        "verifier",
        "documenter",
        "analyst",
        "key_custodian",
        "auditor",
        "administrator",
    ]
    code = run_cli("totp", "admin", env=env, data_dir=tmp_path)
    assert re.match(r"^\d{6}  \(valid for \d+ more seconds\)$", code.stdout.strip())
    # The secret printed for admin gives the code `totp` prints, and is
    # not readable in the database.
    printed = rows[-1][3].replace(" ", "")
    secret = base64.b32decode(printed + "=" * (-len(printed) % 8))
    assert code.stdout.split()[0] in {_code(secret, time.time() + step) for step in (-30, 0, 30)}
    stored = (tmp_path / "demo.sqlite3").read_bytes()
    assert secret.hex().encode() not in stored
    assert printed.encode() not in stored
    qr = run_cli("totp", "admin", "--qr", env=env, data_dir=tmp_path)
    assert qr.returncode == 0
    assert "█" in qr.stdout or "▀" in qr.stdout
    # Running it again gives fresh passwords and keeps the chain intact.
    again = run_cli("demo", env=env, data_dir=tmp_path, timeout=DEMO_SECONDS)
    assert again.returncode == 0
    verify = run_cli("audit", "verify", env=env, data_dir=tmp_path)
    assert verify.returncode == 0, verify.stderr
    assert verify.stdout.startswith("audit log intact:")
    # The WAL journal is on.
    import sqlite3

    with sqlite3.connect(tmp_path / "demo.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        # Counting victims has invented lists, imported once, and a finished run.
        # (Their names are sealed to documentation.)
        lists = db.execute("SELECT name FROM analysis_victimlist").fetchall()
        assert len(lists) == 4
        assert not any(b"(demo)" in bytes(name) for (name,) in lists)
        # (A run's status is its job's, in the jobs app's table.)
        runs = db.execute(
            "SELECT kind, status FROM jobs_job JOIN analysis_linkagerun USING (id)"
        ).fetchall()
        assert runs == [("analysis.linkage", "done")]
        # The inbox and the case list hold an invented programme (site.demo_casework).
        assert db.execute("SELECT count(*) FROM intake_submission").fetchone()[0] == 170
        stages = {row[0] for row in db.execute("SELECT DISTINCT stage FROM cases_case")}
        assert {"received", "in_safe_house", "protected", "closed", "detained"} <= stages
        # The planner's statistics are written (safepassage serve does it too).
        assert db.execute("SELECT count(*) FROM sqlite_stat1").fetchone()[0] > 0
        # Documentation holds an invented record of two waves of detentions.
        assert db.execute("SELECT count(*) FROM documentation_event").fetchone()[0] >= 100
        # ... and invented evidence, with working copies and custody logs (site.demo_evidence).
        originals = "SELECT count(*) FROM documentation_evidence WHERE original_id IS NULL"
        assert db.execute(originals).fetchone()[0] == 6
        assert db.execute("SELECT count(*) FROM documentation_custodyentry").fetchone()[0] > 20
        # One demo person's testimony was handed over from their case (site.demo_testimony).
        assert db.execute("SELECT count(*) FROM cases_handedovertestimony").fetchone()[0] == 1
        origins = "SELECT origin, count(*) FROM documentation_personconsent GROUP BY origin"
        assert dict(db.execute(origins).fetchall())["casework"] == 1
        # Sealed: the invented stories are not readable in the database.
        assert (
            db.execute(
                "SELECT count(*) FROM intake_submission WHERE CAST(payload AS TEXT) LIKE '%Demo%'"
            ).fetchone()[0]
            == 0
        )
    # Nor the invented people's names, nor where the safe houses are.
    stored = b"".join(path.read_bytes() for path in tmp_path.glob("demo.sqlite3*"))
    for plain in ("Demoev", "Демоев", "Vymyslov", "Вымышленная", "@demo_0"):
        assert plain.encode() not in stored, plain
    assert "invented victim lists" in result.stdout
    assert "170 requests" in result.stdout
    assert "two waves of detentions" in result.stdout


def _code(secret: bytes, moment: float) -> str:
    totp = TOTP(secret)
    totp.time = moment
    return f"{totp.token():06d}"


def test_the_demo_refuses_to_run_in_production(tmp_path: Path) -> None:
    env = production(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'p.sqlite3'}")
    for command in (["demo"], ["totp", "admin"]):
        result = run_cli(*command, env=env, data_dir=tmp_path)
        assert result.returncode != 0
        assert "development mode" in result.stderr


def test_serve_refuses_a_database_that_is_not_migrated(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"}
    result = run_cli("serve", env=env, data_dir=tmp_path)
    assert result.returncode != 0
    assert "run `safepassage migrate` first" in result.stderr


@pytest.mark.django_db
def test_createuser_prints_a_temporary_password_once() -> None:
    out = io.StringIO()
    call_command("createuser", "first-admin", "--role", "administrator", stdout=out)
    match = re.search(r"Temporary password \(shown once\): (\S+)", out.getvalue())
    assert match is not None
    user = User.objects.get(username="first-admin")
    assert user.check_password(match.group(1))
    assert user.must_change_password
    assert AuditEntry.objects.get(action="staff.created").actor == "cli"


@pytest.mark.django_db
def test_createuser_explains_a_bad_username() -> None:
    with pytest.raises(CommandError, match="username: Use 3 to 40 lower-case letters"):
        call_command("createuser", "Amina Kadyrova", "--role", "caseworker")
    with pytest.raises(CommandError, match="no team called 'Nowhere'"):
        call_command("createuser", "amina", "--role", "caseworker", "--team", "Nowhere")
