"""Five lists written by hand in five conventions (tests/data/lists), as an
analyst would take them: imported with the column names they came with,
linked and exported; the people found are the people listed."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

from safepassage.accounts.models import User
from safepassage.analysis import headings, linkage
from tests.analysis.conftest import link_and_export

LISTS = Path(__file__).resolve().parent.parent / "data" / "lists"

# Each file: the list's name, its id column and our keys mapped to its columns.
FILES = {
    "ngo.csv": ("NGO testimonies", "№ п/п", {
        "name": "ФИО", "birth": "Дата рождения", "place": "Место проживания",
        "event_date": "Дата задержания", "detention_place": "Где содержался"}),
    "newspaper.csv": ("Russian newspaper", "id", {
        "name": "Имя", "age": "Возраст", "place": "Откуда", "event_date": "Когда задержан",
        "age_date": "Дата публикации"}),
    "press.csv": ("English-language press", "ID", {
        "name": "Name", "age": "Age", "place": "Hometown", "event_date": "Detained",
        "age_date": "Published"}),
    "report.csv": ("International report", "No.", {
        "surname": "Surname", "given": "First name", "patronymic": "Patronymic",
        "birth": "Year of birth", "place": "Place of residence",
        "event_date": "Date of detention"}),
    "asylum.csv": ("Asylum files", "Dossier", {
        "surname": "NOM", "given": "Prénom", "birth": "Né(e) le", "place": "Ville d'origine",
        "event_date": "Date des faits"}),
}  # fmt: skip


def _truth() -> dict[tuple[str, str], int]:
    with (LISTS / "truth.csv").open(encoding="utf-8") as file:
        return {
            (FILES[row["list"]][0], row["record_id"]): int(row["person"].removeprefix("P"))
            for row in csv.DictReader(file)
        }


@pytest.mark.django_db
def test_five_lists_written_by_hand_give_the_people_listed(
    analyst: User, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for file, (name, id_column, mapping) in FILES.items():
        path = tmp_path / file
        shutil.copy(LISTS / file, path)
        out = io.StringIO()
        maps = [f"--map={ours}={theirs}" for ours, theirs in mapping.items()]
        call_command("analysis", "import", str(path), "--list", name, "--id", id_column, *maps,
                     stdout=out)  # fmt: skip
        # Every row is stored and every value read: no problem, no notice.
        with (LISTS / file).open(encoding="utf-8") as rows:
            count = sum(1 for _row in csv.DictReader(rows))
        assert out.getvalue().strip().splitlines() == [f"{count} rows stored"], out.getvalue()
    truth = _truth()
    exported = link_and_export([name for name, _id, _map in FILES.values()], monkeypatch)
    assert sorted((row["list"], row["record_id"]) for row in exported) == sorted(truth)

    person_of = {(row["list"], row["record_id"]): row["person_id"] for row in exported}
    found = {index: int(row["person_id"]) for index, row in enumerate(exported)}
    listed = {index: truth[(row["list"], row["record_id"])] for index, row in enumerate(exported)}
    quality = linkage.evaluate(listed, linkage.Linkage(found, []))
    people = len(set(truth.values()))
    # The targets: pairwise F1 0.90, the people within 5 %.
    assert quality.f1 >= 0.9
    assert abs(quality.clusters - people) <= 0.05 * people

    def person(source: str, record: str) -> str:
        return person_of[(source, record)]

    # A father and son of one name, held together, births three decades apart.
    father = {
        person("NGO testimonies", "3"),
        person("Russian newspaper", "n-03"),
        person("English-language press", "EN-2"),
        person("International report", "3"),
    }
    son = {
        person("NGO testimonies", "4"),
        person("Russian newspaper", "n-04"),
        person("English-language press", "EN-3"),
        person("International report", "4"),
    }
    assert len(father) == len(son) == 1
    assert father != son
    # Two brothers held together.
    assert person("NGO testimonies", "1") != person("NGO testimonies", "2")
    # One man across five spellings: Исаев Шамиль, Shamil Isayev, Isaev Šamilʹ, ISSAÏEV Chamil.
    assert len({person("NGO testimonies", "5"), person("Russian newspaper", "n-10"),
                person("English-language press", "EN-5"), person("International report", "5"),
                person("Asylum files", "OFP-2019-0077")}) == 1  # fmt: skip
    # His namesake with another father and twelve years older is someone else.
    assert person("NGO testimonies", "19") != person("NGO testimonies", "5")


@pytest.mark.parametrize("file", FILES)
def test_each_lists_columns_are_guessed_from_its_headings(file: str) -> None:
    """The headings each file came with say its columns, as the import
    suggests them for a new list (in Russian, English and French)."""
    _name, id_column, mapping = FILES[file]
    with (LISTS / file).open(encoding="utf-8-sig") as rows:
        header = next(csv.reader(rows))
    assert headings.guess(header) == {"id": id_column, **mapping}
