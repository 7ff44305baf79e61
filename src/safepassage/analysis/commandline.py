"""`safepassage analysis import` and `export`: a list in, a run's people out
(the rest of the command is management/commands/analysis.py)."""

from __future__ import annotations

import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError

from safepassage.analysis.importing import ImportRefused, import_list
from safepassage.analysis.models import LinkageRun
from safepassage.jobs.models import JobStatus
from safepassage.jobs.status import status_of
from safepassage.vault.keyring import Keyring


def add_list_commands(sub: Any, keys_arguments: Callable[[Any], None]) -> None:
    importer = sub.add_parser("import", help="import a victim list from CSV or XLSX")
    importer.add_argument("file", type=Path)
    importer.add_argument("--list", required=True, help="the source's name")
    importer.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help="which of the list's columns holds one of our fields: name (a full name) or "
        "surname, given and patronymic; sex; birth (a date, a year or an age); age and "
        "age_date (the date the age refers to); place; event_date; detention_place; act; "
        "notes. Kept for the next import of this list",
    )
    importer.add_argument(
        "--id",
        metavar="COLUMN",
        help="the column holding the list's own record id (kept, and written by export)",
    )
    importer.add_argument(
        "--skip-invalid",
        action="store_true",
        help="store the good rows and report the others (default: store nothing)",
    )
    export = sub.add_parser(
        "export",
        help="write a linkage run's people as CSV: list, record_id, person_id, match_probability",
    )
    export.add_argument("--run", required=True, help="the run's id (or its first characters)")
    export.add_argument(
        "--output",
        type=Path,
        help="write to this file (readable by you only); by default to standard output",
    )
    keys_arguments(export)


def map_options(mapping: dict[str, str]) -> list[str]:
    """The options of `analysis import` that give these columns."""
    return [
        shlex.quote(f"--id={theirs}") if ours == "id" else shlex.quote(f"--map={ours}={theirs}")
        for ours, theirs in mapping.items()
    ]


def import_from(options: dict[str, Any]) -> list[str]:
    """Import the file the options name; the report's lines."""
    mapping = {}
    for item in options["map"]:
        ours, _, theirs = item.partition("=")
        if not theirs:
            raise CommandError(f"--map takes FIELD=COLUMN, not {item!r}")
        mapping[ours.strip()] = theirs.strip()
    if options["id"]:
        mapping["id"] = options["id"].strip()
    try:
        report = import_list(
            options["file"], options["list"], mapping, skip_invalid=options["skip_invalid"]
        )
    except ImportRefused as refusal:
        lines = refusal.report.lines()[1:] if refusal.report else []
        if refusal.guess:
            lines += [
                "The file's headings suggest these columns; check them and import again with:",
                "  " + " ".join(map_options(refusal.guess)),
            ]
        raise CommandError("\n".join([str(refusal), *lines])) from None
    except OSError as error:
        name = error.__class__.__name__
        raise CommandError(f"{options['file']} cannot be read ({name}).") from None
    return report.lines()


def export_from(run: LinkageRun, keyring: Keyring, by: Any, output: Path | None) -> str | None:
    """A run's people as CSV: written to `output` (the text is then not
    returned), or returned for standard output."""
    from safepassage.analysis.exports import as_csv, people_of, write_private

    if status_of(run) != JobStatus.DONE:
        raise CommandError("The run has not finished: export it once it is done.")
    text = as_csv(people_of(run, keyring, by=by))
    if output is None:
        return text
    try:
        write_private(output, text)
    except OSError as error:
        raise CommandError(f"{output} cannot be written ({error.__class__.__name__}).") from None
    return None
