"""Importing victim lists: a column mapping kept per source, a row-by-row
report that names the row, the column, the value and what was expected,
nothing stored when a row is wrong, rows and list names sealed to
documentation."""

from __future__ import annotations

import io
import shlex
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from safepassage.analysis.importing import ImportRefused, Problem, import_list, list_named
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
    found = list_named("NGO")
    assert found is not None
    assert found.records.count() == 3


def test_a_bad_row_stops_the_import_and_is_named(vault: Vault, tmp_path: Path) -> None:
    # (Row 3 says nothing of anyone: a note in a column not imported.)
    path = _write(tmp_path, "bad.csv", "Name,Age,Note\nAmina K,30,\n,,see below\nZarema A,,\n")
    with pytest.raises(ImportRefused) as refusal:
        import_list(path, "Press", {"name": "Name", "birth": "Age"})
    assert refusal.value.report is not None
    assert refusal.value.report.problems == [Problem(3, "Name", "", "no_name")]
    assert str(refusal.value) == "1 row has a problem; nothing was stored"
    assert not VictimRecord.objects.exists()
    report = import_list(path, "Press", {"name": "Name", "birth": "Age"}, skip_invalid=True)
    assert report.stored == 2
    assert report.lines() == [
        "2 rows stored",
        "Row 3, column “Name”: no name and nothing else about the person; a row needs a name, "
        "or an age, a place or a date to be found by.",
    ]


def test_a_row_without_a_name_that_says_something_else_is_stored(
    vault: Vault, tmp_path: Path
) -> None:
    # A press list's unnamed man: an age, a home and a date, no name.
    path = _write(tmp_path, "press.csv", "Name,Age,Home\nAmina K,30,Shali\n,19,Argun\n")
    report = import_list(path, "Press", {"name": "Name", "age": "Age", "place": "Home"})
    assert report.stored == 2
    assert report.lines() == [
        "2 rows stored",
        "Row 3, column “Name”: no name; the row is kept and found by its age, places and dates, "
        "as a person described instead of named is.",
    ]


def test_wrong_columns_and_encodings_are_explained(vault: Vault, tmp_path: Path) -> None:
    path = _write(tmp_path, "press.csv", PRESS)
    with pytest.raises(ImportRefused, match="no column called 'ФИО'; the columns are 'Name'"):
        import_list(path, "Press", {"name": "ФИО"})
    # No name column given: the columns the headings suggest, beside the one given.
    with pytest.raises(ImportRefused, match="no column was given for the name") as refused:
        import_list(path, "Press", {"birth": "Age"})
    assert refused.value.guess == {"name": "Name", "birth": "Age", "place": "Town"}
    # Headings that say nothing: which columns there are.
    unknown = _write(tmp_path, "unknown.csv", "A;B\nMahomed Umarov;30\n")
    with pytest.raises(ImportRefused, match=r"which column holds the name.* are 'A', 'B'"):
        import_list(unknown, "Press", {})
    assert not VictimRecord.objects.exists()
    # Bytes that make no plain text in any encoding a CSV comes in.
    garbled = tmp_path / "garbled.csv"
    garbled.write_bytes(b"Name\nZ\x81\x8d\x90phyr\n")
    with pytest.raises(ImportRefused, match="not UTF-8"):
        import_list(garbled, "Press", {"name": "Name"})


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("ФИО;Возраст\nУмаров Магомед Саидович;28\nЭльмурзаева Хеда;31\n", "cp1251"),
        ("ФИО;Возраст\nУМАРОВ МАГОМЕД;28\nЭЛЬМУРЗАЕВА ХЕДА;31\n", "cp1251"),
        ("ФИО;Возраст\nУмаров Магомед Саидович;28\nЭльмурзаева Хеда;31\n", "koi8_r"),
        ("Nom;Âge\nKhousseïn OUMAROV;28\nCheda ISSAÏEVA;31\n", "cp1252"),
        ("ФИО\tВозраст\nУмаров Магомед Саидович\t28\nЭльмурзаева Хеда\t31\n", "utf-16"),
    ],
)
def test_a_csv_saved_by_excel_in_its_local_encoding_is_read(
    org: Organisation, vault: Vault, tmp_path: Path, text: str, encoding: str
) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes(text.encode(encoding))
    header = text.split("\n", 1)[0].replace("\t", ";").split(";")
    import_list(path, "Press", {"name": header[0], "birth": header[1]})
    with using_keyring(keyring_of(org.outsider)):
        names = sorted(record.data["name"] for record in VictimRecord.objects.all())
    expected = sorted(line.replace("\t", ";").split(";")[0] for line in text.splitlines()[1:])
    assert names == expected


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
    with pytest.raises(CommandError, match="1 row has a problem"):
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


BORN = (
    "Name,born,killed\n"
    "Amina K,~30 years,spring 2017\n"  # row 2: an age and a season are fine
    "Zarema A,31/31/1990,12.04.2017\n"  # row 3: no such day
    "Ruslan D,1987,2017-13\n"  # row 4: no such month
    "Aslan B,около 30 лет,апрель 2017\n"
    "Khava M,12.03.8,2017\n"  # row 6: a year of one digit
    "Adam U,2090,2017\n"  # row 7: born after today
    "Said Kh,30,last week\n"  # row 8: counted back from no date
    "Magomed U,12 апреля 1987,04.2017\n"
)


def test_it_names_unreadable_ages_and_dates_by_row_column_and_value(
    vault: Vault, tmp_path: Path
) -> None:
    path = _write(tmp_path, "born.csv", BORN)
    mapping = {"name": "Name", "birth": "born", "event_date": "killed"}
    with pytest.raises(ImportRefused) as refusal:
        import_list(path, "Press", mapping)
    assert str(refusal.value) == "5 rows have problems; nothing was stored"
    assert not VictimRecord.objects.exists()
    assert not VictimList.objects.exists()
    report = refusal.value.report
    assert report is not None
    messages = [problem.message() for problem in report.problems]
    assert messages == [
        "Row 3, column “born”: “31/31/1990” is not a date, a year or an age; expected a "
        "day-month-year (31.12.1990), a year (1990, 1990 г.р.) or an age (27, 27 лет, около "
        "30, in his 20s).",
        "Row 4, column “killed”: “2017-13” is not a date; expected a date (12.04.2017, 12 "
        "April 2017), a month (04.2017, late March 2017), a season (spring 2017, winter "
        "2018-19), a quarter (2017-Q2) or a year (2017).",
        "Row 6, column “born”: “12.03.8” is not a date, a year or an age; expected a "
        "day-month-year (31.12.1990), a year (1990, 1990 г.р.) or an age (27, 27 лет, около "
        "30, in his 20s).",
        "Row 7, column “born”: “2090” is after today.",
        "Row 8, column “killed”: “last week” counts back from the day it was written, and the "
        "row gives no date to count from. Give the column with the date of publication "
        "(“Column with the date the age refers to”), or write the date itself.",
    ]
    # Told to, the importer stores the readable rows and names the others.
    report = import_list(path, "Press", mapping, skip_invalid=True)
    assert report.stored == 3
    assert report.rows_with_problems == 5


def test_a_date_counted_back_is_read_from_the_rows_publication(
    vault: Vault, tmp_path: Path
) -> None:
    text = (
        "Имя,Опубликовано,Задержан\n"
        "Умаров Магомед,15.03.2017,три дня назад\n"
        "Алиев Руслан,15.03.2017,на прошлой неделе\n"
    )
    path = _write(tmp_path, "press.csv", text)
    mapping = {"name": "Имя", "age_date": "Опубликовано", "event_date": "Задержан"}
    report = import_list(path, "Newspaper", mapping)
    assert report.stored == 2
    assert not report.problems
    # The publication's own date cannot be counted back from another day.
    path = _write(tmp_path, "undated.csv", "Имя,Опубликовано\nУмаров Магомед,вчера\n")
    with pytest.raises(ImportRefused) as refusal:
        import_list(path, "Radio", {"name": "Имя", "age_date": "Опубликовано"})
    assert refusal.value.report is not None
    assert [(p.row, p.kind) for p in refusal.value.report.problems] == [(2, "back_age_date")]


def test_the_titles_below_a_title_row_are_found_and_rows_keep_their_numbers(
    vault: Vault, tmp_path: Path
) -> None:
    text = (
        "Список задержанных, апрель 2017;;\n"
        ";;\n"
        "№;ФИО;Возраст\n"
        "1;Умаров Магомед;28\n"
        "2;;\n"
        "3;Алиев Ислам;около 40\n"
    )
    path = _write(tmp_path, "titled.csv", text)
    mapping = {"id": "№", "name": "ФИО", "age": "Возраст"}
    with pytest.raises(ImportRefused) as refusal:
        import_list(path, "Newspaper", mapping)
    assert refusal.value.report is not None
    assert [(p.row, p.kind) for p in refusal.value.report.problems] == [(5, "no_name")]
    report = import_list(path, "Newspaper", mapping, skip_invalid=True)
    assert report.stored == 2
    assert report.titles_row == 3
    assert "The column titles were read from row 3; the rows above them were left out." in (
        report.lines()
    )
    # A new list without its columns: guessed from the titles where they stand.
    with pytest.raises(ImportRefused) as refusal:
        import_list(path, "Radio")
    assert refusal.value.guess == mapping
    assert refusal.value.columns == ["№", "ФИО", "Возраст"]


def test_a_value_is_quoted_safely(vault: Vault, tmp_path: Path) -> None:
    hidden = "1990\u202e\u0000" + "9" * 60
    path = _write(tmp_path, "odd.csv", f"Name,born\nAmina K,{hidden}\n")
    with pytest.raises(ImportRefused) as refusal:
        import_list(path, "Press", {"name": "Name", "birth": "born"})
    assert refusal.value.report is not None
    (problem,) = refusal.value.report.problems
    text = problem.message()
    assert "\u202e" not in text
    assert "\u0000" not in text
    assert "1990\N{REPLACEMENT CHARACTER}\N{REPLACEMENT CHARACTER}" in text
    assert "…”" in text
    assert len(text) < 250


def test_counts_take_each_languages_plural_forms(vault: Vault, tmp_path: Path) -> None:
    def refusal(bad_rows: int) -> str:
        rows = "".join(f",{n}\n" for n in range(bad_rows))
        path = _write(tmp_path, f"x{bad_rows}.csv", "Name,n\nAmina K,1\n" + rows)
        with pytest.raises(ImportRefused) as refused:
            import_list(path, "Press", {"name": "Name"})
        return str(refused.value)

    assert refusal(1) == "1 row has a problem; nothing was stored"
    assert refusal(3) == "3 rows have problems; nothing was stored"
    with translation.override("ru"):
        assert refusal(1).startswith("1 строка с ошибкой")
        assert refusal(3).startswith("3 строки с ошибками")
        assert refusal(5).startswith("5 строк с ошибками")
        assert refusal(21).startswith("21 строка с ошибкой")
    with translation.override("fr"):
        assert refusal(1).startswith("1 ligne pose problème")
        assert refusal(3).startswith("3 lignes posent problème")


def test_list_names_are_sealed_and_found_without_keys(
    org: Organisation, vault: Vault, tmp_path: Path
) -> None:
    # A source's name can name a person: a witness, a journalist.
    path = _write(tmp_path, "ngo.csv", NGO)
    import_list(path, "Testimonies gathered by Kheda Umarova", {"name": "ФИО"})
    stored = VictimList.objects.values_list("name", flat=True).get()
    assert b"Kheda" not in bytes(stored)
    # An import needs no keys: the list is found by its name, case and
    # spaces aside, and the rows are added to it.
    more = _write(tmp_path, "more.csv", "ФИО\nАлиев Руслан\n")
    assert import_list(more, "testimonies  gathered by KHEDA Umarova").stored == 1
    assert VictimList.objects.count() == 1
    with using_keyring(keyring_of(org.outsider)):
        found = VictimList.objects.get()
        assert found.name == "Testimonies gathered by Kheda Umarova"
        assert found.records.count() == 3
    assert str(found) == f"list {str(found.pk)[:8]}"  # the audit log names it so


REPORT = (
    "Case No.,Surname,Given name,Patronymic,Sex,Age,Published,Residence,Period\n"
    "INT-1,UMAROV,Magomed,Saidovich,M,28,2017-05-02,Groznyy,2017-Q2\n"
    "INT-2,Kadyrova,Kheda,,F,около 30,02.05.2017,Tsotsi-Iurt,весна 2017\n"
    "INT-3,Magomed,Dudayev,,М,,,Niki-Khita,в конце марта\n"
)
REPORT_MAP = {
    "surname": "Surname",
    "given": "Given name",
    "patronymic": "Patronymic",
    "sex": "Sex",
    "age": "Age",
    "age_date": "Published",
    "place": "Residence",
    "event_date": "Period",
}


def test_it_maps_a_lists_own_columns_onto_every_field(
    org: Organisation, vault: Vault, tmp_path: Path
) -> None:
    path = _write(tmp_path, "report.csv", REPORT)
    report = import_list(path, "Report", {"id": "Case No.", **REPORT_MAP})
    assert report.stored == 3
    assert report.problems == []
    # The village the gazetteer does not know is kept, and the report says so.
    assert [notice.message() for notice in report.notices] == [
        "Row 4, column “Residence”: “Niki-Khita” is not a place the gazetteer knows; it is "
        "kept and compared as written."
    ]
    with using_keyring(keyring_of(org.outsider)):
        stored = {r.data["id"]: r.data for r in VictimRecord.objects.all()}
    assert stored["INT-1"]["surname"] == "UMAROV"
    assert stored["INT-1"]["age"] == "28"  # a bare age is kept: linkage reads it
    found = list_named("Report")
    assert found is not None
    assert found.mapping["id"] == "Case No."


def test_a_bare_age_gives_a_birth_year_from_its_date(vault: Vault) -> None:
    from safepassage.analysis.linkage import SourceRecord, prepare

    rows = prepare(
        [
            SourceRecord.of(
                "Press", "1", {"name": "Magomed Umarov", "age": "28", "age_date": "2017-05-02"}
            ),
            SourceRecord.of(
                "Press", "2", {"name": "Kheda Kadyrova", "birth": "28", "event_date": "весна 2017"}
            ),
            SourceRecord.of("Press", "3", {"name": "Ruslan Aliev", "age": "in his 20s"}),
        ],
        2017,
    )
    assert (rows[0]["birth_lo"], rows[0]["birth_hi"]) == (1988, 1989)
    assert (rows[1]["birth_lo"], rows[1]["birth_hi"]) == (1988, 1989)
    # No date beside it: the run's year.
    assert (rows[2]["birth_lo"], rows[2]["birth_hi"]) == (1987, 1997)


def test_digits_in_a_name_are_said(vault: Vault, tmp_path: Path) -> None:
    # (An age after a name is no digit in it: the linkage reads it as an age.)
    text = "Name\nUmarov M4gomed\nAliev Ruslan\nМагомед Умаров, 28 лет, житель Аргуна\n"
    path = _write(tmp_path, "digits.csv", text)
    report = import_list(path, "Press", {"name": "Name"})
    assert [notice.message() for notice in report.notices] == [
        "Row 2, column “Name”: “Umarov M4gomed” has digits in it; the words with digits are "
        "kept but not compared as a name."
    ]


def test_record_ids_must_be_there_and_unique(vault: Vault, tmp_path: Path) -> None:
    path = _write(tmp_path, "ids.csv", "Ref,Name\nA-1,Amina K\n,Zarema A\nA-1,Kheda U\n")
    with pytest.raises(ImportRefused) as refusal:
        import_list(path, "Press", {"id": "Ref", "name": "Name"})
    assert refusal.value.report is not None
    assert [problem.message() for problem in refusal.value.report.problems] == [
        "Row 3, column “Ref”: no record id; every row of this list needs its own.",
        "Row 4, column “Ref”: the record id “A-1” is given to an earlier row too.",
    ]


def test_unreadable_sexes_ages_and_names_are_named(vault: Vault, tmp_path: Path) -> None:
    text = (
        "Surname,Given,Sex,Age,Dated\n"
        "Umarov,Magomed,X,28,2017\n"
        "Aliev,Ruslan,M,a young man,2017\n"
        "12345,,M,28,2017\n"
        "Dudaev,Adam,M,28,someday\n"
        "Сайдулаев,Ахмед (имя изменено),M,28,2017\n"
    )
    path = _write(tmp_path, "bad.csv", text)
    mapping = {"surname": "Surname", "given": "Given", "sex": "Sex", "age": "Age",
               "age_date": "Dated"}  # fmt: skip
    with pytest.raises(ImportRefused) as refusal:
        import_list(path, "Press", mapping)
    assert refusal.value.report is not None
    kinds = [(p.row, p.kind) for p in refusal.value.report.problems]
    assert kinds == [(2, "sex"), (3, "age"), (4, "name"), (5, "age_date")]
    assert refusal.value.report.problems[0].message() == (
        "Row 2, column “Sex”: “X” is not a sex; expected M or F (male, female, м, ж, муж., "
        "жен., H, F)."
    )


def test_a_person_unknown_or_described_is_stored_without_a_name(
    vault: Vault, tmp_path: Path
) -> None:
    text = "Имя,Возраст\nнеизвестный мужчина,30\nжитель Аргуна,25\na young man from Shali,20\n"
    path = _write(tmp_path, "described.csv", text)
    report = import_list(path, "Newspaper", {"name": "Имя", "age": "Возраст"})
    assert report.stored == 3
    assert not report.problems


def test_separate_name_columns_are_enough(vault: Vault, tmp_path: Path) -> None:
    path = _write(tmp_path, "parts.csv", "NOM,Prénom\nOUMAROV,Magomed\n")
    assert import_list(path, "Asylum", {"surname": "NOM", "given": "Prénom"}).stored == 1
    # No name column given: the headings' suggestion keeps the columns given.
    with pytest.raises(ImportRefused, match="no column was given for the name") as refused:
        import_list(path, "Other", {"sex": "NOM"})
    assert refused.value.guess == {"given": "Prénom", "sex": "NOM"}
    unknown = _write(tmp_path, "unknown.csv", "A,B\nOUMAROV,Magomed\n")
    with pytest.raises(ImportRefused, match="surname and given name in columns of their own"):
        import_list(unknown, "Other", {"sex": "A"})
    # A mistyped field is named as such, before the name is asked for.
    with pytest.raises(ImportRefused, match="unknown fields fullname: use id, name, surname"):
        import_list(path, "Other", {"fullname": "NOM"})


def test_the_command_suggests_a_new_lists_columns_from_its_headings(
    vault: Vault, tmp_path: Path
) -> None:
    path = _write(tmp_path, "report.csv", REPORT)
    with pytest.raises(CommandError) as refused:
        call_command("analysis", "import", str(path), "--list", "Report")
    lines = str(refused.value).splitlines()
    assert lines[:2] == [
        "no column was given for the name",
        "The file's headings suggest these columns; check them and import again with:",
    ]
    assert not VictimRecord.objects.exists()
    suggested = shlex.split(lines[2])
    assert suggested == ["--id=Case No.", *(f"--map={k}={v}" for k, v in REPORT_MAP.items())]
    out = io.StringIO()
    call_command("analysis", "import", str(path), "--list", "Report", *suggested, stdout=out)
    assert out.getvalue().splitlines()[0] == "3 rows stored"


def test_the_command_takes_the_id_column(vault: Vault, tmp_path: Path) -> None:
    path = _write(tmp_path, "report.csv", REPORT)
    maps = [f"--map={ours}={theirs}" for ours, theirs in REPORT_MAP.items()]
    out = io.StringIO()
    call_command(
        "analysis", "import", str(path), "--list", "Report", "--id", "Case No.", *maps, stdout=out
    )
    assert out.getvalue().splitlines()[0] == "3 rows stored"
    assert "Niki-Khita" in out.getvalue()
    found = list_named("Report")
    assert found is not None
    assert found.mapping["id"] == "Case No."


def test_a_file_imported_again_stores_no_row_twice(vault: Vault, tmp_path: Path) -> None:
    text = "Ref,Name,Age\nA-1,Amina K,30\nA-2,Zarema A,25\n"
    path = _write(tmp_path, "press.csv", text)
    assert import_list(path, "Press", {"id": "Ref", "name": "Name", "age": "Age"}).stored == 2
    # The same file again, and the list's name typed otherwise: nothing new.
    again = import_list(path, " press ")
    assert (again.stored, again.already) == (0, 2)
    assert again.lines() == [
        "0 rows stored",
        "2 rows the list already held were not stored again.",
    ]
    # Again after a new row was added: the new row alone.
    more = _write(tmp_path, "more.csv", text + "A-3,Kheda U,41\n")
    report = import_list(more, "Press")
    assert (report.stored, report.already) == (1, 2)
    # An id the list holds, with other values, is a problem of its row.
    changed = _write(tmp_path, "changed.csv", "Ref,Name,Age\nA-2,Zarema Aliyeva,26\n")
    with pytest.raises(ImportRefused) as refusal:
        import_list(changed, "Press")
    assert refusal.value.report is not None
    assert [problem.message() for problem in refusal.value.report.problems] == [
        "Row 2, column “Ref”: the list already holds a record with the id “A-2”, with other "
        "values; a stored record is not replaced. Give this row another id, or leave it out."
    ]
    found = list_named("Press")
    assert found is not None
    assert found.records.count() == 3
    # Another list may hold the same ids and rows.
    assert import_list(path, "Newspaper", {"id": "Ref", "name": "Name", "age": "Age"}).stored == 2


def test_rows_without_ids_are_found_again_word_for_word(vault: Vault, tmp_path: Path) -> None:
    path = _write(tmp_path, "ngo.csv", NGO)
    mapping = {"name": "ФИО", "birth": "Год рождения", "place": "Место"}
    assert import_list(path, "NGO", mapping).stored == 2
    # After bad rows were corrected, the good rows are not stored twice.
    fixed = _write(tmp_path, "fixed.csv", NGO + "Алиев Руслан;1990;Шали\n")
    report = import_list(fixed, "NGO")
    assert (report.stored, report.already) == (1, 2)
    found = list_named("NGO")
    assert found is not None
    assert found.records.count() == 3
    # The indexes hold neither the id nor the row in the clear.
    stored = VictimRecord.objects.values_list("own_id_index", "content_index")
    assert all("Умаров" not in row and len(row) == 32 for _own, row in stored)
