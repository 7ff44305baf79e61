"""Exporting to JSON and CSV: the links between records kept as codes,
terms by code and label, only what the person exporting may see, an audit
entry per export, and the same through the command line."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import stat
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from safepassage.accounts.models import User
from safepassage.audit.models import AuditEntry
from safepassage.documentation import actions, exporting, importing, people, sources, statements
from safepassage.documentation.access import can_see_person, visible_people
from safepassage.documentation.models import Act, Event, Information, Involvement, Person
from safepassage.vault.keyring import using_keyring
from tests.base import PASSWORD, keyring_of, sign_in
from tests.documentation.conftest import Desk, record_detention, term
from tests.documentation.test_import import COLUMNS, GOOD

pytestmark = pytest.mark.django_db


def documented(desk: Desk) -> dict[str, Any]:
    """An event open to every documenter, with a statement beside its act,
    a promise followed up and a biographic link; and a restricted event,
    shared with nobody, whose victim appears nowhere else."""
    with using_keyring(desk.vault.keyring):
        open_one = record_detention(desk.documenter)
        hidden = record_detention(
            desk.documenter,
            title="Detention of a witness",
            victim="Хасанов Адам",
            confidentiality="restricted",
        )
        sources.record_intervention(
            desk.documenter,
            event=open_one.event,
            act=open_one.act,
            kind=term("intervention_type", "L-PROSECUTOR"),
            intervening_party="Our lawyer",
        )
        statement = statements.record_statement(
            desk.documenter,
            speaker="A spokesman",
            quote="Таких людей у нас нет.",
            stance=term("stance", "L-DENIES"),
            said_on=dt.date(2017, 4, 1),
        )
        statements.link_statement(
            desk.documenter, statement, event=open_one.event, act=open_one.act, passage="нет"
        )
        statements.link_statement(desk.documenter, statement, event=hidden.event)
        promise = statements.record_commitment(
            desk.documenter, statement=statement, promised_by="An official", promise="A check."
        )
        statements.change_commitment_status(
            promise,
            by=desk.documenter,
            version=1,
            status="not_kept",
            changed_on=dt.date(2018, 1, 1),
            source=open_one.victim,
        )
        brother = people.record_person(desk.documenter, name="Умаров Ахмед")
        people.link_people(
            desk.documenter, brother, open_one.victim, term("relationship", "010102000000")
        )
        actions.link_events(
            desk.documenter, open_one.event, hidden.event, term("chain_type", "010000000000")
        )
    return {"open": open_one, "hidden": hidden, "statement": statement, "brother": brother}


def export_as(user: User, fmt: str) -> bytes:
    with using_keyring(keyring_of(user)):
        content, _name = exporting.export(user, fmt)
    return content


def test_the_json_export_keeps_every_link_as_a_code(desk: Desk) -> None:
    made = documented(desk)
    document = json.loads(export_as(desk.documenter, "json"))
    assert document["format"] == "safepassage.documentation"
    events = {e["code"]: e for e in document["events"]}
    acts = {a["code"]: a for a in document["acts"]}
    persons = {p["code"]: p for p in document["people"]}
    assert set(events) == set(Event.objects.values_list("code", flat=True))
    # Every link names a record of the export, as the database links them.
    for act in Act.objects.select_related("event", "victim"):
        assert acts[act.code]["event"] == act.event.code
        assert acts[act.code]["victim"] == act.victim.code
        assert act.victim.code in persons
    for involvement in Involvement.objects.select_related("act"):
        [found] = [i for i in document["involvements"] if i["id"] == str(involvement.pk)]
        assert found["act"] == involvement.act.code
        assert found["perpetrator_type"]["code"] == involvement.perpetrator_type.code
    for information in Information.objects.select_related("event", "act", "source"):
        [found] = [i for i in document["information"] if i["id"] == str(information.pk)]
        assert (found["event"], found["act"], found["source"]) == (
            information.event.code,
            information.act.code,
            information.source.code,
        )
        assert found["source"] in persons
    [link] = document["person_links"]
    assert (link["person"], link["related"]) == (made["brother"].code, made["open"].victim.code)
    [chain] = document["event_links"]
    assert (chain["event"], chain["related"]) == (
        made["open"].event.code,
        made["hidden"].event.code,
    )
    assert {(s["statement"], s["event"], s["act"]) for s in document["statement_links"]} == {
        (made["statement"].code, made["open"].event.code, made["open"].act.code),
        (made["statement"].code, made["hidden"].event.code, None),
    }
    [promise] = document["commitments"]
    assert promise["statement"] == made["statement"].code
    [change] = document["commitment_changes"]
    assert (change["commitment"], change["source"]) == (promise["code"], made["open"].victim.code)
    # Dates with their precision, places with theirs, terms by code and label.
    first = events[made["open"].event.code]
    assert (first["start"], first["start_precision"]) == ("2017-03-26", "exact")
    assert first["place"]["area"] == {"code": "L-RU-CE-ARGUN", "label": "Argun"}
    assert acts[made["open"].act.code]["act_type"]["code"] == "L-ARBITRARY-DETENTION"
    assert persons[made["open"].victim.code]["name"] == "Умаров Магомед"
    # The vocabularies come with it, in three languages.
    act_types = next(v for v in document["vocabularies"] if v["key"] == "act_type")
    torture = next(t for t in act_types["terms"] if t["code"] == "020111110000")
    assert torture["labels"] == {"en": "Torture", "ru": "Пытки", "fr": "Torture"}


def test_the_csv_export_is_a_zip_of_one_table_per_kind(desk: Desk) -> None:
    made = documented(desk)
    archive = zipfile.ZipFile(io.BytesIO(export_as(desk.documenter, "csv")))
    assert set(archive.namelist()) == {f"{kind}.csv" for kind in exporting.KINDS} | {"terms.csv"}

    def rows(name: str) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig"))))

    acts = {row["code"]: row for row in rows("acts.csv")}
    act = acts[made["open"].act.code]
    assert (act["event"], act["victim"]) == (made["open"].event.code, made["open"].victim.code)
    assert (act["act_type"], act["place_area"], act["start"]) == (
        "L-ARBITRARY-DETENTION",
        "L-RU-CE-ARGUN",
        "2017-03-26",
    )
    assert act["act_type_label"].startswith("Arbitrary detention")
    assert {row["name"] for row in rows("people.csv")} >= {"Умаров Магомед", "Witness W-3"}
    assert any(row["code"] == "020111110000" for row in rows("terms.csv"))


def test_an_export_holds_only_what_the_person_may_see(desk: Desk) -> None:
    made = documented(desk)
    hidden = made["hidden"]
    document = json.loads(export_as(desk.stranger, "json"))
    codes = {e["code"] for e in document["events"]}
    assert codes == {made["open"].event.code}
    assert hidden.act.code not in {a["code"] for a in document["acts"]}
    names = {p["name"] for p in document["people"]}
    assert "Хасанов Адам" not in names
    assert "Умаров Магомед" in names
    assert all(i["event"] in codes for i in document["information"])
    assert all(i["act"] != hidden.act.code for i in document["involvements"])
    # The statement is public words; its link to the hidden event is not exported.
    assert [s["event"] for s in document["statement_links"]] == [made["open"].event.code]
    assert document["event_links"] == []
    assert hidden.event.code not in json.dumps(document)
    # The documenter who recorded it sees it.
    own = json.loads(export_as(desk.documenter, "json"))
    assert hidden.event.code in {e["code"] for e in own["events"]}


def test_the_people_an_export_holds_follow_the_access_rule(desk: Desk) -> None:
    documented(desk)
    with using_keyring(desk.vault.keyring):
        alone = people.record_person(desk.colleague, name="In no event yet")
    for user in (desk.documenter, desk.colleague, desk.stranger):
        expected = {p.code for p in Person.objects.all() if can_see_person(user, p)}
        assert set(visible_people(user).values_list("code", flat=True)) == expected
    assert alone.code in set(visible_people(desk.stranger).values_list("code", flat=True))
    assert visible_people(desk.stranger).count() < Person.objects.count()


def test_each_export_is_audited_with_its_counts(desk: Desk) -> None:
    documented(desk)
    export_as(desk.stranger, "csv")
    entry = AuditEntry.objects.get(action="documentation.exported")
    assert entry.actor == f"user:{desk.stranger.pk}"
    assert entry.details == {
        "format": "csv",
        "events": 1,
        "acts": 1,
        "people": 3,
        "involvements": 1,
        "information": 1,
        "interventions": 1,
        "statements": 1,
        "commitments": 1,
    }


def test_the_export_page_downloads_and_refuses_outsiders_alike(desk: Desk) -> None:
    documented(desk)
    client = Client()
    sign_in(client, desk.documenter)
    page = client.get("/documentation/export/")
    assert page.status_code == 200
    assert "You may see 2 events" in page.content.decode()
    response = client.post("/documentation/export/", {"format": "json"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="documentation-')
    assert response["Cache-Control"] == "no-store"
    assert len(json.loads(response.content)["events"]) == 2
    exports = AuditEntry.objects.filter(action="documentation.exported")
    assert exports.count() == 1
    for outsider in (desk.org.outsider, desk.keyless):
        sign_in(client, outsider)
        assert client.get("/documentation/export/").status_code == 404
        assert client.post("/documentation/export/", {"format": "json"}).status_code == 404
    assert exports.count() == 1


def test_what_is_imported_comes_out_the_same(desk: Desk) -> None:
    found = importing.read_table("list.csv", GOOD.encode(), max_rows=10)
    with using_keyring(desk.vault.keyring):
        report = importing.import_records(
            desk.documenter, found, importing.mapping_from_titles(found.header, COLUMNS)
        )
    document = json.loads(export_as(desk.documenter, "json"))
    events = {e["code"]: e for e in document["events"]}
    acts = {a["code"]: a for a in document["acts"]}
    persons = {p["code"]: p for p in document["people"]}
    first, second, third = report.stored
    # The two acts of one event (one reference in the file) name one event.
    assert acts[first.act]["event"] == acts[second.act]["event"] == first.event
    event = events[first.event]
    assert (event["title"], event["start"], event["start_precision"]) == (
        "Задержания в Аргуне",
        "2017-03-late",
        "part_of_month",
    )
    assert event["place"] == {
        "precision": "district",
        "area": {"code": "L-RU-CE-ARGUN", "label": "Argun"},
        "detail": None,
    }
    assert persons[acts[first.act]["victim"]]["name"] == "Умаров Магомед"
    assert persons[acts[third.act]["victim"]]["profile_gender_identity"]["code"] == "L-GI-MAN"
    assert events[third.event]["place"]["detail"] == "a basement on Lenin street"
    [account] = [i for i in document["information"] if i["act"] == third.act]
    assert persons[account["source"]]["name"] == "Novaya Gazeta"
    assert account["reliability"]["code"] == "010000000000"


def test_the_command_line_exports_to_a_new_file_of_its_owners_only(
    desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    documented(desk)
    output = tmp_path / "export.json"
    arguments = ["documentation", "export", "--format", "json", "--output", str(output)]
    arguments += ["--as", desk.stranger.username]
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    call_command(*arguments, stdout=io.StringIO())
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    assert len(json.loads(output.read_text())["events"]) == 1
    monkeypatch.setattr(sys, "stdin", io.StringIO(PASSWORD + "\n"))
    with pytest.raises(CommandError, match="exists already"):
        call_command(*arguments)
    monkeypatch.setattr(sys, "stdin", io.StringIO("a wrong password\n"))
    with pytest.raises(CommandError, match="do not match"):
        call_command(*[*arguments[:-3], str(tmp_path / "other.json"), *arguments[-2:]])
    assert AuditEntry.objects.filter(action="documentation.exported").count() == 1
