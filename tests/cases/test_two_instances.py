"""A referral between two safepassage instances: this one (the tests'
database) refers a case to a second one, which runs as its own commands
with its own data folder, SQLite database, secrets and keys. Each gives
the other its partner key; the second opens the bundle from a file and
holds the same people and story, under a case of its own."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from safepassage.cases import partners, referrals
from safepassage.cases.models import Case
from safepassage.vault import exchange
from safepassage.vault.bundles import partner_key_text
from safepassage.vault.keyring import using_keyring
from tests.base import Organisation, Vault, keyring_of
from tests.cases.sharing import consent, household

pytestmark = pytest.mark.django_db

# Run inside the second instance, as one process each (a start costs a few
# seconds): set up as an operator would (migrate, a first account, the key
# ceremony, the partner key to give us), and afterwards its case as JSON,
# read with its user's keys, and its audit log verified.
SETUP = """
import io, json
import django
django.setup()
from django.core.management import call_command
def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()
run("migrate", "--verbosity", "0")
created = run("createuser", "bea", "--role", "coordinator", "--role", "administrator")
run("keys", "init", "--custodians", "1", "--threshold", "1", "--grant", "bea")
print(json.dumps({
    "password": created.rsplit(":", 1)[1].strip(),
    "key": run("keys", "partner-key").strip(),
}))
"""
DUMP = """
import io, json, sys
import django
django.setup()
from django.core.management import call_command
call_command("audit", "verify", stdout=io.StringIO())
from safepassage.accounts.models import User
from safepassage.cases.models import Case, ReceivedBundle
from safepassage.vault import keys
from safepassage.vault.keyring import using_keyring
user = User.objects.get(username="bea")
with using_keyring(keys.open_keyring(user.pk, sys.stdin.readline().rstrip("\\n"))):
    case = Case.objects.get(code=sys.argv[1])
    received = ReceivedBundle.objects.get(case=case)
    print(json.dumps({
        "stage": case.stage,
        "narrative": case.narrative,
        "household_notes": case.household_notes,
        "answers": [[a.question, a.values] for a in case.answers],
        "people": [
            [p.role, p.position, p.minor, p.identity.name, p.identity.handles(),
             p.identity.relationship, p.identity.location.place]
            for p in case.people.order_by("position")
        ],
        "from": [received.partner.name, received.their_code, received.kind],
    }))
"""


class Instance:
    """The second instance: `safepassage` commands with its own environment."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(mode=0o700)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SAFEPASSAGE_", "DJANGO"))}
        env.pop("DATABASE_URL", None)
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": "safepassage.settings",
                "SAFEPASSAGE_DATA_DIR": str(folder),
                "DATABASE_URL": f"sqlite:///{folder / 'second.sqlite3'}",
                "SAFEPASSAGE_ORGANISATION_NAME": "Second",
                "SAFEPASSAGE_VAULT_ARGON2_PASSES": "1",
                "SAFEPASSAGE_VAULT_ARGON2_MEMORY_MB": "8",
            }
        )
        self.env = env
        self.password = ""

    def run(self, *args: str, stdin: str = "", ok: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", "safepassage.cli", *args],
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        if ok:
            assert done.returncode == 0, done.stdout + done.stderr
        return done

    def as_bea(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        return self.run(*args, "--as", "bea", stdin=self.password + "\n", ok=ok)

    def script(self, script: str, *args: str, stdin: str = "") -> dict[str, object]:
        done = subprocess.run(
            [sys.executable, "-c", script, *args],
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)  # type: ignore[no-any-return]

    def set_up(self) -> str:
        """The second instance made; its partner key."""
        made = self.script(SETUP)
        self.password = str(made["password"])
        return str(made["key"])

    def dump(self, code: str) -> dict[str, object]:
        """Its case ``code``, its audit log verified."""
        return self.script(DUMP, code, stdin=self.password + "\n")


def test_a_referral_travels_between_two_instances(
    org: Organisation, vault: Vault, tmp_path: Path
) -> None:
    second = Instance(tmp_path / "second")
    their_key = second.set_up()
    assert their_key.startswith("spk1:")

    # This instance: our partner key, the second one as a partner, a case.
    ours = exchange.make_key(by="cli")
    partner = partners.add_partner(
        name="Second", contact="office@second.example", key_text=their_key, by=org.admin
    )
    partners.verify_partner(partner, version=partner.version, by=org.admin)
    case = household(org)
    consent(org.caseworker, case, partner)
    with using_keyring(keyring_of(org.coordinator)):
        sent = referrals.share(
            case, partner, kind="referral", parts=["identity", "narrative"], by=org.coordinator
        )
    bundle = tmp_path / "referral.spbundle"
    bundle.write_bytes(bytes(sent.bundle))

    # The second instance: us as its partner, then the bundle opened.
    second.as_bea(
        "cases", "add-partner", "--name", "First", "--key", partner_key_text(ours), "--checked"
    )
    opened = second.as_bea("cases", "import-bundle", str(bundle)).stdout.strip()
    assert opened.endswith("(2 people), referral from First.")
    their_code = opened.split()[3]
    assert their_code != case.code
    theirs = second.dump(their_code)

    with using_keyring(keyring_of(org.coordinator)):
        mine = Case.objects.get(pk=case.pk)
        people = [
            [
                p.role,
                p.position,
                p.minor,
                p.identity.name,
                p.identity.handles(),
                p.identity.relationship,
                p.identity.location.place,
            ]
            for p in mine.people.order_by("position")
        ]
        assert theirs == {
            "stage": "received",
            "narrative": mine.narrative,
            "household_notes": mine.household_notes,
            "answers": [[a.question, a.values] for a in mine.answers],
            "people": people,
            "from": ["First", case.code, "referral"],
        }
    assert people[0][3] == "Zelim Daudov"
    assert people[1][2] is True

    # One flipped byte, and the second instance opens nothing; nor does this
    # one open what was sealed to the other.
    tampered = tmp_path / "tampered.spbundle"
    data = bytearray(bundle.read_bytes())
    data[-40] ^= 0x01
    tampered.write_bytes(bytes(data))
    refused = second.as_bea("cases", "import-bundle", str(tampered), ok=False)
    assert refused.returncode != 0
    assert "cannot be opened with your organisation's partner key" in refused.stderr
    with using_keyring(keyring_of(org.coordinator)), pytest.raises(referrals.ImportRefused):
        referrals.import_bundle(bundle.read_bytes(), by=org.coordinator)
