"""The import page maps a list's own columns onto every field (its record
id, surname, given name, sex, age and its date, place of detention) and
shows the places it kept as written."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from safepassage.accounts.models import User
from safepassage.analysis.importing import list_named
from safepassage.analysis.models import VictimRecord
from safepassage.vault.keyring import using_keyring
from tests.base import Vault, sign_in

pytestmark = pytest.mark.django_db

ASYLUM = (
    "N° dossier;NOM;Prénom;Sexe;Âge;Date du récit;Lieu de résidence\n"
    "ASY-1;OUMAROV;Magomed;M;28;12/05/2017;Ourous-Martan\n"
    "ASY-2;KADYROVA;Kheda;F;около 30;12/05/2017;Niki-Khita\n"
)


def test_a_list_with_its_own_columns_is_imported_from_the_page(analyst: User, vault: Vault) -> None:
    client = Client()
    sign_in(client, analyst)
    page = client.get(reverse("analysis:home")).content.decode()
    labels = (
        "Column with the surname",
        "Column with the list&#x27;s own record id",
        "Column with the date the age refers to",
        "Column with the place of detention",
    )
    for label in labels:
        assert label in page
    upload = SimpleUploadedFile("asylum.csv", ASYLUM.encode(), content_type="text/csv")
    response = client.post(
        reverse("analysis:import"),
        {
            "list_name": "Asylum files",
            "file": upload,
            "record_id": "N° dossier",
            "surname": "NOM",
            "given": "Prénom",
            "sex": "Sexe",
            "age": "Âge",
            "age_date": "Date du récit",
            "place": "Lieu de résidence",
        },
    )
    text = response.content.decode()
    assert "2 rows imported." in text
    assert "Values kept as written" in text
    assert "“Niki-Khita” is not a place the gazetteer knows" in text
    found = list_named("Asylum files")
    assert found is not None
    assert found.mapping == {
        "id": "N° dossier", "surname": "NOM", "given": "Prénom", "sex": "Sexe", "age": "Âge",
        "age_date": "Date du récit", "place": "Lieu de résidence",
    }  # fmt: skip
    with using_keyring(vault.keyring):
        ids = sorted(entry.data["id"] for entry in VictimRecord.objects.all())
    assert ids == ["ASY-1", "ASY-2"]


def test_a_new_list_needs_a_name_column_or_its_parts(analyst: User) -> None:
    client = Client()
    sign_in(client, analyst)
    upload = SimpleUploadedFile("x.csv", b"A;B\nOUMAROV;Magomed\n", content_type="text/csv")
    response = client.post(reverse("analysis:import"), {"list_name": "New", "file": upload})
    text = response.content.decode()
    assert "Say which column holds the name, or the surname and given name" in text
    assert "The file&#x27;s columns: “A”, “B”." in text
    assert '<datalist id="import-columns"><option value="A"></option>' in text
    assert not VictimRecord.objects.exists()
    upload = SimpleUploadedFile("x.csv", b"NOM;Prenom\nOUMAROV;Magomed\n", content_type="text/csv")
    response = client.post(
        reverse("analysis:import"),
        {"list_name": "New", "file": upload, "surname": "NOM", "given": "Prenom"},
        follow=True,
    )
    assert "1 row imported." in response.content.decode()


def test_a_new_lists_columns_are_filled_in_from_its_headings(analyst: User) -> None:
    client = Client()
    sign_in(client, analyst)
    upload = SimpleUploadedFile("asylum.csv", ASYLUM.encode(), content_type="text/csv")
    response = client.post(
        reverse("analysis:import"), {"list_name": "Asylum files", "file": upload, "sex": "Sexe"}
    )
    text = response.content.decode()
    # Nothing stored on a guess: the columns filled in, for the analyst to check.
    assert not VictimRecord.objects.exists()
    assert list_named("Asylum files") is None
    assert "no column was given for the name" in text
    assert "Choose the file again." in text
    assert "The file&#x27;s columns: “N° dossier”, “NOM”, “Prénom”, “Sexe”, “Âge”" in text
    form = response.context["import_form"]
    assert {name: form["record_id" if name == "id" else name].value() for name in (
        "id", "surname", "given", "sex", "age", "place")} == {
        "id": "N° dossier", "surname": "NOM", "given": "Prénom", "sex": "Sexe", "age": "Âge",
        "place": "Lieu de résidence"}  # fmt: skip
    assert form["list_name"].value() == "Asylum files"
    # Every column box offers the file's columns to choose from.
    assert 'list="import-columns"' in str(form["age_date"])
    assert '<datalist id="import-columns"><option value="N° dossier"></option>' in text
    assert '<option value="Date du récit"></option>' in text
    # Checked and sent again with the file: imported.
    data = {key: value for key in form.fields if key != "file" and (value := form[key].value())}
    data["file"] = SimpleUploadedFile("asylum.csv", ASYLUM.encode(), content_type="text/csv")
    response = client.post(reverse("analysis:import"), data, follow=True)
    assert "2 rows imported." in response.content.decode()
    found = list_named("Asylum files")
    assert found is not None
    assert found.mapping["surname"] == "NOM"


def test_the_review_shows_every_field_a_list_may_hold() -> None:
    from safepassage.analysis.management.commands.analysis import REVIEWED
    from safepassage.analysis.models import FIELDS
    from safepassage.analysis.views.runs import FIELD_LABELS

    assert set(FIELD_LABELS) == set(FIELDS)
    assert set(REVIEWED) == set(FIELDS) - {"notes"}
    # Each field under words of its own, in every language (the full name
    # and the given name are both "Имя" if one is only "Name").
    for language in ("en", "ru", "fr"):
        with translation.override(language):
            words = [str(label) for label in FIELD_LABELS.values()]
            assert len(set(words)) == len(words), (language, words)
