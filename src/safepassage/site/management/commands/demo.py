"""A demo organisation with one user per role, for trying safepassage out:
staff, keys, an invented programme of casework (requests, cases at every
stage, safe houses, hosts, partners) and victim lists with a linkage run
(the site app loads every app's demo data, so no other app needs to)."""

from __future__ import annotations

import logging
import os
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from safepassage.accounts import actions
from safepassage.accounts.models import Authenticator, Organisation, Team, User
from safepassage.accounts.recovery import issue_recovery_codes
from safepassage.accounts.roles import Role
from safepassage.accounts.twofactor import new_authenticator, secret_for_humans
from safepassage.audit.chain import record
from safepassage.site import demo_casework
from safepassage.sqlite.base import refresh_statistics
from safepassage.vault import keys
from safepassage.vault.keyring import Keyring, using_keyring
from safepassage.vault.models import Compartment

ORGANISATION = "Demo organisation (not real data)"
TEAMS = ["Hotline", "Evacuation", "Documentation"]
C = Compartment
# username: (role, teams, compartments, full name)
DEMO_USERS: dict[str, tuple[Role, list[str], list[str], str]] = {
    "coordinator": (
        Role.COORDINATOR,
        ["Hotline", "Evacuation"],
        [C.INTAKE, C.IDENTITY, C.CASEWORK],
        "Лейла Демо",
    ),
    "caseworker": (Role.CASEWORKER, ["Evacuation"], [C.IDENTITY, C.CASEWORK], "Marc Démo"),
    "verifier": (Role.VERIFIER, ["Hotline"], [C.INTAKE, C.IDENTITY], "Аслан Демо"),
    "documenter": (Role.DOCUMENTER, ["Documentation"], [C.DOCUMENTATION], "Jana Demo"),
    "analyst": (Role.ANALYST, ["Documentation"], [C.DOCUMENTATION], "Ilya Demo"),
    "custodian": (Role.KEY_CUSTODIAN, [], [], "Marie Démo"),
    "auditor": (Role.AUDITOR, [], [], "Ruth Demo"),
    "admin": (Role.ADMINISTRATOR, [], [C.STAFF], "Tamara Demo"),
}
SHARES_FILE = "demo-recovery-shares.txt"


# The generator's lists as a source would be named ("foreign_press" is its key).
DEMO_SOURCES = {
    "ngo": "NGO testimonies",
    "local_press": "Local press",
    "foreign_press": "Foreign press",
    "french_press": "French press",
}


class Command(BaseCommand):
    help = (
        "Migrate the database, load a demo organisation with one user per role "
        "and print their logins. Run again to get fresh passwords; the "
        "authenticator secrets stay. Development mode only."
    )

    casework: demo_casework.Loaded | None = None

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_ALLOWED:
            raise CommandError("The demo only loads in development mode.")
        call_command("migrate", verbosity=0, interactive=False)
        # The per-entry anchor lines would bury the logins printed below.
        audit_logger = logging.getLogger("safepassage.audit")
        level = audit_logger.level
        audit_logger.setLevel(logging.WARNING)
        try:
            logins = self._load()
        finally:
            audit_logger.setLevel(level)
        refresh_statistics(connection)
        self.stdout.write("")
        self.stdout.write(f"Demo organisation loaded: {ORGANISATION}")
        self.stdout.write(
            "Key ceremony held for the demo: 3 of 5 recovery shares, kept in "
            f"{settings.DATA_DIR / SHARES_FILE} (demo only: custodians keep them on paper)."
        )
        if self.casework is not None:
            self.stdout.write(
                f"Casework holds an invented programme of nine months: "
                f"{self.casework.requests} requests, {self.casework.cases} cases at every stage, "
                "safe houses, hosts and a partner (coordinator, caseworker, verifier)."
            )
        self.stdout.write(
            "Counting victims holds four invented victim lists and one linkage run "
            "(analyst, documenter)."
        )
        self.stdout.write(
            "Documentation holds an invented record of two waves of detentions, with "
            "sources, officials' statements and promises, and invented evidence with working "
            "copies and custody logs, and the testimony of one demo person handed over from "
            "their case (documenter); Counting victims counts from it."
        )
        self.stdout.write("Each user logs in with a password and a six-digit code.")
        self.stdout.write("Add the secret to an authenticator app, or print the current code")
        self.stdout.write("with:  .venv/bin/safepassage totp USERNAME   (--qr prints a QR code)")
        self.stdout.write("")
        self.stdout.write(f"  {'username':<12} {'role':<14} {'password':<24} authenticator secret")
        for username, role, password, secret in logins:
            self.stdout.write(f"  {username:<12} {role:<14} {password:<24} {secret}")
        self.stdout.write("")

    @transaction.atomic
    def _load(self) -> list[tuple[str, str, str, str]]:
        organisation = Organisation.current()
        if organisation.name != ORGANISATION:
            organisation.name = ORGANISATION
            organisation.save(update_fields=["name"])
        teams = {name: Team.objects.get_or_create(name=name)[0] for name in TEAMS}
        logins = []
        users = {}
        for username, (role, team_names, _compartments, _name) in DEMO_USERS.items():
            user = User.objects.filter(username=username).first()
            team_list = [teams[name] for name in team_names]
            if user is None:
                user, password = actions.create_staff(
                    username=username, roles=[role], teams=team_list, by="cli"
                )
            else:
                actions.set_access(user, roles=[role], teams=team_list, by="cli")
                password = actions.reset_password(user, by="cli")
            # Demo users start enrolled and with their own password, so a
            # newcomer reaches the dashboard at once.
            user.must_change_password = False
            user.save(update_fields=["must_change_password"])
            device = Authenticator.objects.filter(user=user, confirmed=True).first()
            if device is None:
                device = new_authenticator(user, confirmed=True)
                issue_recovery_codes(user)
            logins.append((username, role.value, password, secret_for_humans(device)))
            users[username] = user
        keyring = self._keys()
        with using_keyring(keyring):
            for username, (_role, _teams, compartments, name) in DEMO_USERS.items():
                for compartment in compartments:
                    keys.grant(keyring, compartment, users[username].pk, by="cli")
                actions.set_identity(
                    users[username], name=name, email=f"{username}@demo.invalid", by="cli"
                )
        self._casework(keyring, users, teams)
        self._victim_lists(keyring, users["analyst"])
        self._documentation(keyring, users, teams["Documentation"])
        record("cli", "demo.loaded", organisation, users=len(logins))
        return logins

    def _casework(self, keyring: Keyring, users: dict[str, User], teams: dict[str, Team]) -> None:
        """An invented programme of nine months (site.demo_casework): requests
        in the inbox, cases at every stage, safe houses, hosts, partners."""
        from safepassage.site import demo_reference

        staff = demo_reference.Staff(
            coordinator=users["coordinator"],
            caseworker=users["caseworker"],
            verifier=users["verifier"],
            admin=users["admin"],
            hotline=teams["Hotline"],
            evacuation=teams["Evacuation"],
        )
        with using_keyring(keyring):
            reference = demo_reference.build(
                admin=staff.admin, coordinator=staff.coordinator, evacuation=staff.evacuation
            )
            self.casework = demo_casework.load(staff, reference)

    def _victim_lists(self, keyring: Keyring, analyst: User) -> None:
        """Four invented victim lists, imported as a documenter would import
        them, and one linkage run, so "Counting victims" has something to show."""
        import csv
        import io

        from safepassage.analysis import synthetic
        from safepassage.analysis.importing import import_list
        from safepassage.analysis.models import VictimList
        from safepassage.analysis.runs import start_run

        if VictimList.objects.exists():
            return
        records, _seen = synthetic.generate(people=400, lists=4, seed=2017)
        by_list: dict[str, list[synthetic.Record]] = {}
        for item in records:
            by_list.setdefault(item.list_name, []).append(item)
        mapping = {"name": "Name", "birth": "Born", "place": "Place", "act": "What was done"}
        with using_keyring(keyring):
            for list_name, items in by_list.items():
                out = io.StringIO()
                writer = csv.writer(out)
                writer.writerow(mapping.values())
                for item in items:
                    act = "killing" if item.person_id % 4 == 0 else "detention"
                    writer.writerow([item.name, item.birth, item.place, act])
                import_list(
                    (f"{list_name}.csv", out.getvalue().encode()),
                    f"{DEMO_SOURCES.get(list_name, list_name)} (demo)",
                    mapping,
                    by="cli",
                )
        start_run(keyring, list(VictimList.objects.all()), by=analyst, background=False)

    def _documentation(self, keyring: Keyring, users: dict[str, User], team: Team) -> None:
        """An invented documentation of two waves of detentions
        (site.demo_documentation), recorded by the documenter, with invented
        evidence beside a few of its events and a statement
        (site.demo_evidence), and one demo person's testimony handed over
        from their case by the coordinator (site.demo_testimony)."""
        from safepassage.documentation.models import Event, Statement
        from safepassage.site import demo_testimony
        from safepassage.site.demo_documentation import load_documentation
        from safepassage.site.demo_evidence import load_evidence

        documenter = users["documenter"]
        with using_keyring(keyring):
            if load_documentation(documenter, team) is None:
                return
            open_events = Event.objects.filter(confidentiality="compartment")
            events = list(open_events.order_by("created_at", "code")[:3])
            statement = Statement.objects.order_by("created_at", "code").first()
            load_evidence(documenter, events, statement)
            demo_testimony.load(users["coordinator"], documenter, events)

    def _keys(self) -> Keyring:
        """The demo holds its own key ceremony and keeps the shares in the data
        folder, so that running it again can grant keys to the new passwords."""
        shares_path = settings.DATA_DIR / SHARES_FILE
        if not keys.is_initialised():
            shares, keyring = keys.hold_ceremony(custodians=5, threshold=3, by="cli")
            shares_path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(shares_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write("\n".join(shares) + "\n")
            return keyring
        if not shares_path.exists():
            raise CommandError(
                f"Keys exist but {shares_path} is missing: the demo cannot grant them. "
                "Start from an empty data folder."
            )
        return keys.recover(shares_path.read_text(encoding="utf-8").splitlines()[:3])
