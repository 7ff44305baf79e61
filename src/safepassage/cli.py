"""The `safepassage` command: one entry point for every operation.

Each sub-command is a Django management command; `safepassage COMMAND --help`
explains its options.
"""

from __future__ import annotations

import os
import sys

COMMANDS = {
    "serve": "Serve the application with gunicorn on SAFEPASSAGE_BIND (default 127.0.0.1:8000).",
    "migrate": "Create or update the database tables.",
    "demo": "Load a demo organisation with one user per role and print their logins "
    "(development mode only).",
    "totp": "Print a demo user's current two-factor code, or its QR code with --qr "
    "(development mode only).",
    "createuser": "Create a staff account and print its temporary password once.",
    "audit": "audit verify: check the audit chain and name the first broken entry; "
    "audit head: print the anchor to keep elsewhere.",
    "keys": "keys init: hold the key ceremony (custodian shares); keys recover: grant "
    "compartments with K shares; keys rotate: new keys for a compartment; keys status; "
    "keys partner-key: the key partners seal the cases they send to.",
    "seal": "Seal the vault now: every session ends and every key leaves memory.",
    "analysis": "analysis estimate FILE: how many people no list recorded (multiple systems "
    "estimation), with the model, its assumptions and warnings.",
    "documentation": "documentation import FILE --as USERNAME: record events, acts, victims, "
    "perpetrators and sources from a CSV or XLSX file, all or nothing; documentation export "
    "--format json|csv --output FILE --as USERNAME: what you may see, links kept.",
    "evidence": "evidence add FILE --to CODE --as USERNAME: keep a file as an original "
    "(hashed as it is read, encrypted, its custody log begun), linked to an event, act or "
    "statement.",
    "custody": "custody verify --as USERNAME: check every evidence item's custody chain, "
    "signature, timestamps and stored file, and name the first failure; custody timestamp: "
    "RFC 3161 tokens over the signed heads from the configured authorities.",
    "dossier": "dossier export (CODE... | --all) --why TEXT --output FILE --as USERNAME: a "
    "zip of evidence (working copies, or --originals), each item's custody log, signed head, "
    "timestamps and the keys and certificates to check them, with an index.",
    "verify": "verify DOSSIER: check a dossier offline (no database, no keys): every file, "
    "custody log, signature and timestamp; name the first failure.",
    "cases": "cases migrate-people --as USERNAME: give each person of cases stored by earlier "
    "versions a record of their own, and make everyone findable by name (identity's keys).",
    "retention": "retention run: remove what the retention rules say is due today "
    "(--dry-run: only say what would go); retention rules: list the rules and their days.",
    "check": "Check the configuration (add --deploy for the production checklist) and say "
    "whether list pages use the vault's compiled loop or Python.",
    "manage": "Run any other Django management command (manage --help lists them).",
}

USAGE = (
    "usage: safepassage COMMAND [options]\n\n"
    + "\n".join(f"  {name:<11} {text}" for name, text in COMMANDS.items())
    + (
        "\n\nConfiguration comes from the environment (SAFEPASSAGE_*, DATABASE_URL);"
        "\nsee docs/configuration.md. `safepassage COMMAND --help` explains a command."
    )
)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(USAGE)
        return 0
    command = args[0]
    if command not in COMMANDS:
        print(f"safepassage: unknown command {command!r}\n\n{USAGE}", file=sys.stderr)
        return 2
    if command == "verify":  # offline: no configuration, no database, no Django
        from safepassage.documentation import dossier_check

        return dossier_check.main(args[1:])
    if command == "manage":
        args = args[1:] or ["help"]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safepassage.settings")

    import django
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        django.setup()
    except ImproperlyConfigured as error:
        print(f"safepassage: configuration error: {error}", file=sys.stderr)
        return 2
    try:
        execute_from_command_line(["safepassage", *args])
    except SystemExit as exit_:
        return int(exit_.code or 0) if isinstance(exit_.code, int | None) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
