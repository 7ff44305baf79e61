"""Reading a table from a CSV file or an Excel workbook, in memory.

What every import shares (the analysis app's victim lists, the
documentation's records): the bytes of a file become rows of text, with
spreadsheet cells written as people read them (a date as 2017-04-03, an
age of 30 rather than 30.0), and a value from the file quoted safely in a
report. Nothing here writes a file: the caller holds the bytes (an
upload decrypted in memory, a file named on the command line), and the
rows are produced one at a time so a caller can stop at its row limit
before a large file is read to its end.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

# A value quoted in a report is cut to this many characters.
QUOTED_LENGTH = 40
# The most a workbook may unpack to (its sheets' XML, shared strings...).
MAX_UNPACKED_BYTES = 512 * 1024 * 1024
# Names of files read as workbooks; everything else is read as CSV.
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm")


class Unreadable(ValueError):
    """The file cannot be read as a table; the message is for people."""


def is_workbook(name: str) -> bool:
    return Path(name).suffix.lower() in WORKBOOK_SUFFIXES


def cell(value: Any) -> str:
    """A spreadsheet cell as text: dates as ISO dates, whole numbers without
    a decimal point (an age of 30 stored as 30.0)."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def shown(value: str) -> str:
    """A value from a file, safe to quote: control and direction-changing
    characters replaced, cut to QUOTED_LENGTH characters. (Pages escape it
    as HTML as well.)"""
    safe = "".join(
        "\N{REPLACEMENT CHARACTER}" if unicodedata.category(ch) in ("Cc", "Cf") else ch
        for ch in value
    )
    return safe if len(safe) <= QUOTED_LENGTH else safe[: QUOTED_LENGTH - 1] + "…"


def column_letter(index: int) -> str:
    """A column's letter as spreadsheets name it: 0 is A, 26 is AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


# Bytes outside ASCII, in runs: a run of two or more is a word or most of
# one (Cyrillic in Windows-1251: "Умаров" is six such bytes); a run of one
# between Latin letters is an accented letter (Windows-1252: "Khousseïn").
NON_ASCII_RUN = re.compile(rb"[\x80-\xff]+")
CYRILLIC_LETTER = re.compile("[\u0410-\u044f\u0401\u0451]")  # the Russian alphabet
TITLE_WORD = re.compile("\\b[\u0410-\u042f\u0401][\u0430-\u044f\u0451]+")  # a word in title case
LATIN_ACCENTED = re.compile(r"[À-ÖØ-öø-ÿŒœŠšŽžŸ]")


def decoded(raw: bytes) -> str | None:
    """A CSV's text: UTF-8 (with or without its byte order mark), UTF-16
    with its mark (Excel's "Unicode text"), or the Windows code page that
    Excel writes CSV in where it runs in Russian (1251, or the older KOI8-R)
    or in French and German (1252), told apart by what the bytes outside
    ASCII make in each; None where no reading is plainly right."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    runs = NON_ASCII_RUN.findall(raw)
    if not runs:
        return None
    long_runs = sum(len(run) for run in runs if len(run) >= 2)
    high = sum(len(run) for run in runs)
    try:
        if long_runs >= 0.8 * high:
            # (KOI8-R, older, puts the same letters at other bytes: of the
            # two readings, the one whose words are written as words are,
            # a capital and small letters.)
            readings = [raw.decode(code) for code in ("cp1251", "koi8_r")]
            text = max(readings, key=lambda reading: len(TITLE_WORD.findall(reading)))
            return text if len(CYRILLIC_LETTER.findall(text)) >= 0.9 * high else None
        if long_runs <= 0.2 * high:
            text = raw.decode("cp1252")
            letters = sum(len(LATIN_ACCENTED.findall(run.decode("cp1252"))) for run in runs)
            return text if letters >= 0.9 * high else None
    except UnicodeDecodeError:
        return None
    return None


def rows(name: str, raw: bytes) -> Iterator[list[str]]:
    """The rows of a CSV (its delimiter guessed among comma, semicolon and
    tab; its encoding UTF-8, UTF-16, or Excel's Windows-1251 or
    Windows-1252, see `decoded`) or of a workbook's first sheet, each a
    list of text. Raises Unreadable."""
    if is_workbook(name):
        yield from _workbook_rows(raw)
        return
    text = decoded(raw)
    if text is None:
        raise Unreadable(_("the CSV is not UTF-8: save it as UTF-8 and import again"))
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:  # one column, or too little text to tell
        dialect = csv.excel
    try:
        for row in csv.reader(io.StringIO(text), dialect):
            yield [value.strip() for value in row]
    except csv.Error:  # a field beyond the csv module's limit, a broken quote
        raise Unreadable(
            _("the CSV cannot be read: save it again, with one record per line")
        ) from None


def _workbook_rows(raw: bytes) -> Iterator[list[str]]:
    from zipfile import BadZipFile, ZipFile

    from openpyxl import load_workbook

    try:
        # A workbook is a zip: what it unpacks to is bounded before it is read
        # (the sizes its directory declares are the most its parts yield).
        with ZipFile(io.BytesIO(raw)) as archive:
            unpacked = sum(item.file_size for item in archive.infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            raise Unreadable(_("the workbook is too large once unpacked: save it as CSV"))
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (BadZipFile, KeyError, ValueError, OSError) as error:
        if isinstance(error, Unreadable):
            raise
        raise Unreadable(_("the workbook cannot be read: save it again as .xlsx")) from None
    try:
        sheet = book.active
        if sheet is None:
            raise Unreadable(_("the workbook has no sheet"))
        for values in sheet.iter_rows(values_only=True):
            yield [cell(value) for value in values]
    finally:
        book.close()
