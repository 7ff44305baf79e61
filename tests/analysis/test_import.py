"""Importing victim lists: a column mapping kept per source, a row-by-row
report, nothing stored when a row is wrong, rows sealed to documentation."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from safepassage.analysis.importing import ImportRefused, import_list
from safepassage.analysis.models import VictimList, VictimRecord
from safepassage.vault.keyring import using_keyring
from tests.base import Organisation, Vault, keyring_of

pytestmark = pytest.mark.django_db

NGO = "ФИО;Год рождения;Место\nУмаров Магомед;1987;Грозный\nКадырова Хеда;~30 лет;Аргун\n"
PRESS = "Name,Age,Town\nMahomed Umarov,30,Grozny\nRuslan Dudayev,,Shali\n"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_list_is_imported_sealed_with_its_mapping(
    org: Organisation, vault: Vault, tmp_path: Path
) -> None:
    path = _write(tmp_path, "ngo.csv", NGO)
    report = import_list(path, "NGO", {"name": "ФИО", "birth": "Год рождения", "place": "Место"})
    assert report.stored == 2
    assert report.problems == []
    stored = VictimRecord.objects.values_list("data", flat=True)
    assert all("Умаров".encode() not in bytes(value) for value in stored)
    # Documentation members read it; others cannot.
    with using_keyring(keyring_of(org.outsider)):
        names = sorted(r.data["name"] for r in VictimRecord.objects.all())
    assert names == ["Кадырова Хеда", "Умаров Магомед"]
    # The mapping is kept: the next file of this source needs none.
    more = _write(tmp_path, "ngo2.csv", "ФИО;Год рождения;Место\nАлиев Руслан;1990;Шали\n")
    assert import_list(more, "NGO").stored == 1
    assert VictimList.objects.get(name="NGO").records.count() == 3


def test_a_bad_row_stops_the_import_and_is_named(vault: Vault, tmp_path: Path) -> None:
    path = _write(tmp_path, "bad.csv", "Name,Age\nAmina K,30\n,25\nZarema A,\n")
    with pytest.raises(ImportRefused) as refusal:
        import_list(path, "Press", {"name": "Name", "birth": "Age"})
    assert refusal.value.report is not None
    assert refusal.value.report.problems == [(3, "no name")]
    assert not VictimRecord.objects.exists()
    report = import_list(path, "Press", {"name": "Name", "birth": "Age"}, skip_invalid=True)
    assert report.stored == 2
    assert report.lines() == ["2 rows stored", "row 3: no name"]


def test_wrong_columns_and_encodings_are_explained(vault: Vault, tmp_path: Path) -> None:
    path = _write(tmp_path, "press.csv", PRESS)
    with pytest.raises(ImportRefused, match="no column called 'ФИО'; the columns are 'Name'"):
        import_list(path, "Press", {"name": "ФИО"})
    with pytest.raises(ImportRefused, match="which column holds the name"):
        import_list(path, "Press", {"birth": "Age"})
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("Name\nZéphyr\n".encode("latin-1"))
    with pytest.raises(ImportRefused, match="not UTF-8"):
        import_list(latin1, "Press", {"name": "Name"})


def test_xlsx_lists_are_read(vault: Vault, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Фамилия Имя", "Возраст"])
    sheet.append(["Дудаев Руслан", 25])
    path = tmp_path / "report.xlsx"
    book.save(path)
    assert import_list(path, "Report", {"name": "Фамилия Имя", "birth": "Возраст"}).stored == 1


def test_the_commands_import_link_and_estimate(
    org: Organisation, vault: Vault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = io.StringIO()
    call_command(
        "analysis",
        "import",
        str(_write(tmp_path, "ngo.csv", NGO)),
        "--list",
        "NGO",
        "--map",
        "name=ФИО",
        "--map",
        "birth=Год рождения",
        "--map",
        "place=Место",
        stdout=out,
    )
    assert "2 rows stored" in out.getvalue()
    call_command(
        "analysis",
        "import",
        str(_write(tmp_path, "press.csv", PRESS)),
        "--list",
        "Press",
        "--map",
        "name=Name",
        "--map",
        "birth=Age",
        "--map",
        "place=Town",
        stdout=io.StringIO(),
    )
    with pytest.raises(CommandError, match="1 rows have problems"):
        call_command(
            "analysis",
            "import",
            str(_write(tmp_path, "x.csv", "Name,Age\nA,1\n,5\n")),
            "--list",
            "X",
            "--map",
            "name=Name",
        )
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(vault.shares[:2]) + "\n"))
    out = io.StringIO()
    call_command("analysis", "link", "--lists", "NGO,Press", stdout=out)
    assert "4 records from 2 lists linked into 3 people" in out.getvalue()
    assert "Only two lists" in out.getvalue()
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(vault.shares[:2]) + "\n"))
    with pytest.raises(CommandError, match="no list called 'Radio'"):
        call_command("analysis", "link", "--lists", "NGO,Radio")
    monkeypatch.setattr("sys.stdin", io.StringIO(vault.shares[0] + "\n"))
    with pytest.raises(CommandError, match="shares are needed"):
        call_command("analysis", "link", "--lists", "NGO,Press")
