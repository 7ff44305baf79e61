"""Importing records from CSV and XLSX: one row per act, a column mapping,
values of vocabularies matched by code or label in three languages, all or
nothing with a row report, no new term unless asked, one audit entry per
import, and no uploaded file at rest."""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import translation

from safepassage.audit.models import AuditEntry
from safepassage.documentation import import_drafts, importing
from safepassage.documentation.models import (
    Act,
    Event,
    ImportDraft,
    Information,
    Involvement,
    Person,
    Term,
    Vocabulary,
)
from safepassage.vault.keyring import using_keyring
from tests.base import PASSWORD, sign_in
from tests.documentation.conftest import Desk

pytestmark = pytest.mark.django_db

HEADER = (
    "Ref;Title;Date;Precision;Area;Detail;Act;Victim;Sex;Perpetrator;Unit;Source;"
    "Connection;Reliability;Status\n"
)
GOOD = HEADER + (
    "E1;Задержания в Аргуне;26.03.2017;part_of_month;Аргун;;L-ARBITRARY-DETENTION;"
    "Умаров Магомед;Мужчина;Полиция;ППС;Witness W-3;Свидетель;Скорее надёжный;corroborated\n"
    "E1;Задержания в Аргуне;26.03.2017;part_of_month;Аргун;;Пытки;Умаров Магомед;Мужчина;"
    "Полиция;ППС;Witness W-3;Свидетель;Скорее надёжный;reported\n"
    "E2;Disappearance in Grozny;2017-04;;Grozny;a basement on Lenin street;"
    "L-ENFORCED-DISAPPEARANCE;Кадыров Ислам;L-GI-MAN;;;Novaya Gazeta;Reporter, media;"
    "Highly reliable;\n"
)
COLUMNS = {
    "event_ref": "Ref",
    "title": "Title",
    "start": "Date",
    "start_precision": "Precision",
    "place_area": "Area",
    "place_detail": "Detail",
    "act_type": "Act",
    "victim_name": "Victim",
    "victim_gender_identity": "Sex",
    "perpetrator_type": "Perpetrator",
    "unit": "Unit",
    "source_name": "Source",
    "connection": "Connection",
    "reliability": "Reliability",
    "verification": "Status",
}


def table(text: str, name: str = "list.csv") -> importing.Table:
    return importing.read_table(name, text.encode(), max_rows=importing.WEB_MAX_ROWS)


def mapping(found: importing.Table, columns: dict[str, str] | None = None) -> dict[str, int]:
    return importing.mapping_from_titles(found.header, columns or COLUMNS)


def run(desk: Desk, text: str, **options: object) -> importing.ImportReport:
    found = table(text)
    with using_keyring(desk.vault.keyring):
        return importing.import_records(desk.documenter, found, mapping(found), **options)  # type: ignore[arg-type]


def nothing_stored() -> bool:
    return not any(
        model.objects.exists() for model in (Event, Act, Person, Involvement, Information)
    )


def test_it_imports_rows_into_events_acts_people_perpetrators_and_sources(desk: Desk) -> None:
    report = run(desk, GOOD)
    assert (report.rows, report.events, report.acts, report.people) == (3, 2, 3, 4)
    assert (report.involvements, report.information, report.terms) == (2, 3, 0)
    # Rows with the same event reference are one event; the same name one person.
    first = Event.objects.get(code=report.stored[0].event)
    assert report.stored[1].event == first.code
    assert report.stored[0].victim == report.stored[1].victim
    assert str(first.start) == "2017-03-late"
    # Each imported event has its acts, as recorded by hand: none is listed
    # on the timeline as "recorded with no act yet" (Event.has_acts).
    assert not Event.objects.filter(has_acts=False).exists()
    assert (first.place_area.code, first.place_precision) == ("L-RU-CE-ARGUN", "district")
    acts = {a.act_type.code: a for a in Act.objects.select_related("act_type")}
    assert set(acts) == {"L-ARBITRARY-DETENTION", "020111110000", "L-ENFORCED-DISAPPEARANCE"}
    assert acts["L-ARBITRARY-DETENTION"].verification == "corroborated"
    assert acts["L-ARBITRARY-DETENTION"].verified_by == desk.documenter
    assert acts["020111110000"].verification == "reported"
    second = acts["L-ENFORCED-DISAPPEARANCE"]
    assert str(second.event.start) == "2017-04"
    assert second.event.place_precision == "exact"
    involvement = Involvement.objects.filter(act=acts["020111110000"]).get()
    assert involvement.perpetrator is None
    assert involvement.perpetrator_type.code == "010104000000"  # police, by its Russian label
    assert involvement.degree.code == "990000000000"  # not said: unknown
    with using_keyring(desk.vault.keyring):
        victim = second.victim
        assert victim.name == "Кадыров Ислам"
        assert victim.profile == {"gender_identity": "L-GI-MAN"}
        assert second.event.place_detail == "a basement on Lenin street"
        assert involvement.unit == "ППС"
        source = second.information.get()
        assert source.source.name == "Novaya Gazeta"
        assert source.reliability.code == "010000000000"
    # The records carry the versions of the vocabularies they were written with.
    assert second.vocabularies["act_type"] == Vocabulary.objects.get(key="act_type").version
    # Sealed like everything recorded by hand.
    assert b"Lenin" not in bytes(Event.objects.values_list("place_detail", flat=True)[1] or b"")


def test_it_writes_one_audit_entry_per_import_with_counts_not_content(desk: Desk) -> None:
    before = AuditEntry.objects.count()
    run(desk, GOOD)
    entries = list(AuditEntry.objects.filter(seq__gt=before))
    assert [entry.action for entry in entries] == ["documentation.records_imported"]
    assert entries[0].details == {
        "rows": 3,
        "events": 2,
        "acts": 3,
        "people": 4,
        "involvements": 2,
        "information": 3,
        "terms": 0,
        "confidentiality": "compartment",
    }
    assert entries[0].actor == f"user:{desk.documenter.pk}"


def test_one_broken_row_stores_nothing_and_is_named(desk: Desk) -> None:
    broken = GOOD + "E3;Another;31.02.2017;;Аргун;;Пытки;Someone;;;;;;;\n"
    with pytest.raises(importing.ImportRefused) as refusal:
        run(desk, broken)
    assert str(refusal.value) == "1 row has a problem; nothing was stored"
    [problem] = refusal.value.problems
    assert (problem.row, problem.column, problem.value) == (5, "Date", "31.02.2017")
    assert problem.message() == ("Row 5, column “Date”, “31.02.2017”: That month has no such day.")
    assert nothing_stored()
    refused = AuditEntry.objects.get(action="documentation.import_refused")
    assert refused.details == {"rows": 4, "problems": 1}
    assert refused.outcome == "failed"
    assert not AuditEntry.objects.filter(action="documentation.records_imported").exists()


def test_every_problem_is_reported_at_once_in_the_readers_language(desk: Desk) -> None:
    broken = HEADER + (
        "E1;;2017-13;;Nowhere;;Пытки;;;;;;;;maybe\nE2;Fine;2017;;;;Пытки;Someone;;;;;;;\n"
    )
    with translation.override("ru"), pytest.raises(importing.ImportRefused) as refusal:
        run(desk, broken)
    found = {(p.row, p.column) for p in refusal.value.problems}
    assert found == {(2, "Title"), (2, "Date"), (2, "Area"), (2, "Victim"), (2, "Status")}
    with translation.override("ru"):
        text = " ".join(p.message() for p in refusal.value.problems)
    assert "Строка 2" in text
    assert nothing_stored()


def test_rows_that_say_the_same_event_must_agree(desk: Desk) -> None:
    disagree = HEADER + (
        "E1;Detentions;2017-03;;;;Пытки;A;;;;;;;\nE1;Another title;2017-03;;;;Пытки;B;;;;;;;\n"
    )
    with pytest.raises(importing.ImportRefused) as refusal:
        run(desk, disagree)
    [problem] = refusal.value.problems
    assert (problem.row, problem.column) == (3, "Title")
    assert "row 2" in problem.text
    assert nothing_stored()


def test_values_that_name_no_term_stop_the_import_and_add_none(desk: Desk) -> None:
    terms = Term.objects.count()
    versions = list(Vocabulary.objects.values_list("key", "version").order_by("key"))
    unknown = HEADER + "E1;Detentions;2017;;;;Forced shaving;A;;Kadyrovtsy;;;;;\n"
    with pytest.raises(importing.ImportRefused) as refusal:
        run(desk, unknown)
    problems = {p.column: p for p in refusal.value.problems}
    assert set(problems) == {"Act", "Perpetrator"}
    assert "An import adds no term unless asked to" in problems["Act"].text
    assert Term.objects.count() == terms
    assert list(Vocabulary.objects.values_list("key", "version").order_by("key")) == versions
    assert nothing_stored()


def test_new_terms_are_added_when_asked_but_never_places(desk: Desk) -> None:
    act_types = Vocabulary.objects.get(key="act_type")
    text = HEADER + "E1;Detentions;2017;;;;Forced shaving;A;;;;;;;\n"
    report = run(desk, text, allow_new_terms=True)
    assert report.terms == 1
    added = Term.objects.get(vocabulary=act_types, label_en="Forced shaving")
    assert added.local
    assert added.code == "L-FORCED-SHAVING"
    act_types.refresh_from_db()
    assert added.added_in == act_types.version
    assert Act.objects.get().act_type == added
    assert AuditEntry.objects.filter(action="documentation.terms_imported").count() == 1
    assert AuditEntry.objects.get(action="documentation.records_imported").details["terms"] == 1
    # A place is never added: what is finer than an area goes in the sealed detail.
    places = Term.objects.filter(vocabulary__key="place").count()
    with pytest.raises(importing.ImportRefused) as refusal:
        run(desk, HEADER + "E2;Other;2017;;Sernovodsk;;Пытки;B;;;;;;;\n", allow_new_terms=True)
    assert [p.column for p in refusal.value.problems] == ["Area"]
    assert Term.objects.filter(vocabulary__key="place").count() == places


def test_with_a_broken_row_even_asked_for_terms_are_not_added(desk: Desk) -> None:
    terms = Term.objects.count()
    text = HEADER + "E1;Detentions;2017;;;;Forced shaving;A;;;;;;;\nE2;;2017;;;;Пытки;B;;;;;;;\n"
    with pytest.raises(importing.ImportRefused):
        run(desk, text, allow_new_terms=True)
    assert Term.objects.count() == terms
    assert nothing_stored()


def test_it_reads_an_xlsx_workbook(desk: Desk) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Event title", "Date", "act_type", "Victim's name", "Born"])
    sheet.append(["Detentions in Shali", dt.datetime(2017, 4, 3), "Torture", "Алиев Руслан", 1990])
    buffer = io.BytesIO()
    book.save(buffer)
    found = importing.read_table("list.xlsx", buffer.getvalue(), max_rows=10)
    assert found.rows == [
        (2, ["Detentions in Shali", "2017-04-03", "Torture", "Алиев Руслан", "1990"])
    ]
    # Titles like our fields' labels are chosen without a mapping.
    guessed = importing.guess_mapping(found.header)
    assert guessed == {"title": 0, "act_type": 2, "victim_name": 3}
    columns = {"start": "Date", "victim_born": "Born"}
    with using_keyring(desk.vault.keyring):
        importing.import_records(desk.documenter, found, guessed | mapping(found, columns))
        event = Event.objects.get()
        assert (event.title, str(event.start)) == ("Detentions in Shali", "2017-04-03")
        assert Person.objects.get().born == "1990"


def test_a_workbook_is_measured_unpacked_before_it_is_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from openpyxl import Workbook

    from safepassage import spreadsheets

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Title", "Act", "Victim"])
    buffer = io.BytesIO()
    book.save(buffer)
    assert importing.read_table("list.xlsx", buffer.getvalue(), max_rows=10).header
    monkeypatch.setattr(spreadsheets, "MAX_UNPACKED_BYTES", 1000)
    with pytest.raises(importing.ImportRefused) as refusal:
        importing.read_table("list.xlsx", buffer.getvalue(), max_rows=10)
    assert "too large once unpacked" in str(refusal.value)


def test_size_and_row_limits_are_said_plainly() -> None:
    rows = "Title;Act;Victim\n" + "A;Torture;B\n" * 11
    with pytest.raises(importing.ImportRefused) as refusal:
        importing.read_table("list.csv", rows.encode(), max_rows=10)
    assert "more than 10 rows" in str(refusal.value)
    titles = ";".join(f"C{n}" for n in range(importing.MAX_COLUMNS + 1))
    wide = f"{titles}\n" + ";".join("A" * (importing.MAX_COLUMNS + 1)) + "\n"
    with pytest.raises(importing.ImportRefused) as refusal:
        importing.read_table("list.csv", wide.encode(), max_rows=10)
    assert f"more than {importing.MAX_COLUMNS} columns" in str(refusal.value)
    with pytest.raises(importing.ImportRefused) as refusal:
        importing.read_table("list.csv", b"Title\n\x81\x8d\x90", max_rows=10)
    assert "not UTF-8" in str(refusal.value)
    with pytest.raises(importing.ImportRefused) as refusal:
        importing.read_table("list.xlsx", b"not a workbook", max_rows=10)
    assert "workbook cannot be read" in str(refusal.value)


# --- The pages ------------------------------------------------------------------------


def upload(client: Client, text: str, name: str = "list.csv") -> object:
    return client.post("/documentation/import/", {"file": SimpleUploadedFile(name, text.encode())})


def choices(found: importing.Table, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {key: str(index) for key, index in mapping(found).items()}
    data["confidentiality"] = "compartment"
    data.update(changes)
    return data


def test_a_documenter_uploads_then_chooses_the_columns(desk: Desk) -> None:
    client = Client()
    sign_in(client, desk.documenter)
    assert client.get("/documentation/import/").status_code == 200
    response = upload(client, GOOD)
    assert response.status_code == 302  # type: ignore[attr-defined]
    draft = ImportDraft.objects.get()
    page = f"/documentation/import/{draft.pk}/"
    assert response["Location"] == page  # type: ignore[index]
    shown = client.get(page)
    assert shown.status_code == 200
    # Columns titled like a field are chosen already.
    assert 'value="1" selected' in shown.content.decode()  # Title
    response = client.post(page, choices(table(GOOD)))
    assert response.status_code == 200
    html = response.content.decode()
    assert "What each row recorded" in html
    for code in Event.objects.values_list("code", flat=True):
        assert code in html
    assert Act.objects.count() == 3
    assert not ImportDraft.objects.exists()
    # Sent again (a second click, the back button): nothing more is stored.
    again = client.post(page, choices(table(GOOD)))
    assert again.status_code == 404
    assert Act.objects.count() == 3


def test_mapping_errors_and_row_problems_come_back_with_the_choices_kept(desk: Desk) -> None:
    client = Client()
    sign_in(client, desk.documenter)
    broken = GOOD + "E3;Another;31.02.2017;;Аргун;;Пытки;Someone;;;;;;;\n"
    upload(client, broken)
    draft = ImportDraft.objects.get()
    page = f"/documentation/import/{draft.pk}/"
    # No column for the title: said beside it, the other choices kept.
    response = client.post(page, choices(table(broken), title=""))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose the column that holds it" in html
    assert '<option value="6" selected>' in html  # the act's column, as sent
    # A broken row: nothing stored, the row report in the reader's language.
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    response = client.post(page, choices(table(broken)))
    assert response.status_code == 400
    html = response.content.decode()
    assert "31.02.2017" in html
    with translation.override("ru"):
        assert translation.gettext("What to correct") in html
        assert translation.gettext("That month has no such day.") in html
    assert nothing_stored()
    assert ImportDraft.objects.filter(pk=draft.pk).exists()  # choose other columns, or a file
    response = client.post(f"{page}cancel/")
    assert response.status_code == 302
    assert not ImportDraft.objects.exists()


def test_a_file_that_cannot_be_read_is_said_so(desk: Desk) -> None:
    client = Client()
    sign_in(client, desk.documenter)
    response = upload(client, "Title\n", name="list.xlsx")
    assert response.status_code == 400
    assert "workbook cannot be read" in response.content.decode()  # type: ignore[attr-defined]
    assert not ImportDraft.objects.exists()


def test_a_file_too_large_for_the_page_is_refused(
    desk: Desk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importing, "WEB_MAX_BYTES", 100)
    client = Client()
    sign_in(client, desk.documenter)
    response = upload(client, GOOD)
    assert response.status_code == 400
    assert "use the command line" in response.content.decode()  # type: ignore[attr-defined]
    assert not ImportDraft.objects.exists()


def test_a_waiting_file_is_its_uploaders_alone_and_sealed(desk: Desk) -> None:
    sentinel = "Sentinel-Umarov-7Q4"
    client = Client()
    sign_in(client, desk.documenter)
    upload(client, GOOD.replace("Умаров Магомед", sentinel), name=f"{sentinel}.csv")
    draft = ImportDraft.objects.get()
    stored = ImportDraft.objects.values_list("name", "table").get()
    assert all(sentinel.encode() not in bytes(value) for value in stored)
    for path in Path(settings.FILES_DIR).rglob("*"):
        assert not path.is_file() or sentinel.encode() not in path.read_bytes()
    for other in (desk.colleague, desk.org.outsider, desk.keyless):
        sign_in(client, other)
        assert client.get(f"/documentation/import/{draft.pk}/").status_code == 404
        assert client.post(f"/documentation/import/{draft.pk}/cancel/").status_code == 404
    assert client.get("/documentation/import/").status_code == 404  # keyless
    assert ImportDraft.objects.filter(pk=draft.pk).exists()


def test_files_left_waiting_are_deleted_after_a_day(desk: Desk) -> None:
    with using_keyring(desk.vault.keyring):
        old = import_drafts.keep_draft(desk.colleague, "old.csv", table(GOOD))
        ImportDraft.objects.filter(pk=old.pk).update(
            created_at=old.created_at - dt.timedelta(days=2)
        )
        import_drafts.keep_draft(desk.documenter, "new.csv", table(GOOD))
    assert list(ImportDraft.objects.values_list("created_by", flat=True)) == [desk.documenter.pk]


# --- The command line -------------------------------------------------------------------


def test_the_command_line_imports_with_the_same_rules(
    desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "list.csv"
    path.write_text(GOOD, encoding="utf-8")
    arguments = ["documentation", "import", str(path), "--as", desk.documenter.username]
    for ours, theirs in COLUMNS.items():
        arguments += ["--map", f"{ours}={theirs}"]
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    call_command(*arguments, stdout=out)
    assert out.getvalue().startswith("3 rows imported: 2 events, 3 acts, 4 people")
    assert Act.objects.count() == 3
    # A broken file: nothing stored, each problem said.
    path.write_text(GOOD + "E3;;2017;;;;Пытки;X;;;;;;;\n", encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    with pytest.raises(CommandError) as refusal:
        call_command(*arguments)
    assert "Row 5, column “Title”: empty; every row needs one." in str(refusal.value)
    assert Act.objects.count() == 3
    # Someone without the documentation keys may not.
    arguments[arguments.index("--as") + 1] = desk.keyless.username
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    with pytest.raises(CommandError, match="documentation keys"):
        call_command(*arguments)
