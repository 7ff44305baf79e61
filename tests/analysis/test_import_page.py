"""The import page maps a list's own columns onto every field (its record
id, surname, given name, sex, age and its date, place of detention) and
shows the places it kept as written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from safepassage.accounts.models import User
from safepassage.accounts.roles import Role
from safepassage.analysis.importing import list_named
from safepassage.analysis.list_drafts import sweep_drafts
from safepassage.analysis.models import DRAFT_LIFETIME, ListDraft, VictimRecord
from safepassage.vault import keys as vault_keys
from safepassage.vault.keyring import using_keyring
from tests.base import Vault, make_user, sign_in

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
    # With the keys, the column boxes are folded away: a new list's columns
    # are chosen on the next page.
    assert '<details class="typed-columns">' in page
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


def _columns_page(client: Client, name: str, data: bytes, **typed: str) -> str:
    """Upload a new list without its name column: the address of the page
    where its columns are chosen."""
    upload = SimpleUploadedFile(name, data, content_type="text/csv")
    response = client.post(
        reverse("analysis:import"), {"list_name": "New", "file": upload, **typed}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/analysis/import/")
    return str(response["Location"])


def test_a_new_lists_columns_are_chosen_from_the_file_once_uploaded(
    analyst: User, vault: Vault
) -> None:
    client = Client()
    sign_in(client, analyst)
    address = _columns_page(client, "x.csv", b"A;B\nOUMAROV;Magomed\n")
    # Nothing stored yet; the file's rows are kept sealed for the next step.
    assert not VictimRecord.objects.exists()
    assert list_named("New") is None
    draft = ListDraft.objects.get()
    assert draft.size == 1
    # The first page leads back to it.
    home = client.get(reverse("analysis:home")).content.decode()
    assert "“x.csv” is waiting for its columns to be chosen." in home
    assert f'href="{address}"' in home
    text = client.get(address).content.decode()
    assert "Which column holds what" in text
    assert "“x.csv”: 1 row below the titles." in text
    assert '<option value="A">A: A</option>' in text
    assert "— not in the file —" in text
    # A name column is needed: the page says so, and keeps the file.
    response = client.post(address, {"sex": "B"})
    assert response.status_code == 400
    assert "Choose the column with the full name, or those with the surname" in (
        response.content.decode()
    )
    assert ListDraft.objects.exists()
    response = client.post(address, {"surname": "A", "given": "B"}, follow=True)
    assert "1 row imported." in response.content.decode()
    found = list_named("New")
    assert found is not None
    assert found.mapping == {"surname": "A", "given": "B"}
    assert not ListDraft.objects.exists()


def test_a_new_lists_columns_are_chosen_already_as_its_headings_say(
    analyst: User, vault: Vault
) -> None:
    client = Client()
    sign_in(client, analyst)
    address = _columns_page(client, "asylum.csv", ASYLUM.encode(), sex="Sexe")
    response = client.get(address)
    form = response.context["form"]
    chosen = {field: form[field].value() for field in ("id", "surname", "given", "sex", "age",
                                                       "place", "name")}  # fmt: skip
    assert chosen == {
        "id": "N° dossier", "surname": "NOM", "given": "Prénom", "sex": "Sexe", "age": "Âge",
        "place": "Lieu de résidence", "name": None,
    }  # fmt: skip
    assert response.context["draft"].source == "New"
    # Checked and imported as chosen, without choosing the file again.
    data = {key: value for key in form.fields if (value := form[key].value())}
    response = client.post(address, data, follow=True)
    assert "2 rows imported." in response.content.decode()
    found = list_named("New")
    assert found is not None
    assert found.mapping["surname"] == "NOM"


def test_rows_with_problems_keep_the_file_until_they_are_corrected_or_left_out(
    analyst: User, vault: Vault
) -> None:
    client = Client()
    sign_in(client, analyst)
    address = _columns_page(
        client, "x.csv", "ФИО;Возраст\nУмаров Магомед;28\nАлиев Ислам;много\n".encode()
    )
    response = client.post(address, {"name": "ФИО", "age": "Возраст"})
    text = response.content.decode()
    assert "Nothing was imported" in text
    assert "Row 3, column “Возраст”: “много” is not an age" in text
    assert not VictimRecord.objects.exists()
    response = client.post(
        address, {"name": "ФИО", "age": "Возраст", "skip_invalid": "on"}, follow=True
    )
    assert "1 row imported." in response.content.decode()
    assert VictimRecord.objects.count() == 1
    assert not ListDraft.objects.exists()


def test_the_titles_below_a_title_row_are_offered_as_the_columns(
    analyst: User, vault: Vault
) -> None:
    client = Client()
    sign_in(client, analyst)
    text = "Список задержанных;\n;\nФИО;Возраст\nУмаров Магомед;28\n"
    address = _columns_page(client, "titled.csv", text.encode())
    page = client.get(address).content.decode()
    assert "The column titles are in row 3; the rows above them are left out." in page
    assert "“titled.csv”: 1 row below the titles." in page
    assert '<option value="ФИО" selected>A: ФИО</option>' in page
    response = client.post(address, {"name": "ФИО", "age": "Возраст"}, follow=True)
    assert "1 row imported. The column titles were read from row 3" in response.content.decode()


def test_a_file_waiting_for_its_columns_is_its_uploaders_alone(analyst: User, vault: Vault) -> None:
    client = Client()
    sign_in(client, analyst)
    address = _columns_page(client, "x.csv", b"A;B\nOUMAROV;Magomed\n")
    other = make_user("analyst-two", Role.ANALYST)
    vault_keys.grant(vault.keyring, "documentation", other.pk, by="cli")
    intruder = Client()
    sign_in(intruder, other)
    assert intruder.get(address).status_code == 404
    assert intruder.post(address, {"name": "A"}).status_code == 404
    assert not VictimRecord.objects.exists()
    # A second file replaces the first; given up, it is deleted.
    second = _columns_page(client, "y.csv", b"A;B\nOUMAROV;Magomed\n")
    assert second != address
    assert ListDraft.objects.count() == 1
    response = client.post(second + "cancel/")
    assert response.status_code == 302
    assert not ListDraft.objects.exists()
    # A file left for a day cannot be opened, and is swept when the first
    # page is next shown.
    third = _columns_page(client, "z.csv", b"A;B\nOUMAROV;Magomed\n")
    ListDraft.objects.update(created_at=timezone.now() - DRAFT_LIFETIME - dt.timedelta(minutes=1))
    assert client.get(third).status_code == 404
    assert "is waiting for its columns" not in client.get(reverse("analysis:home")).content.decode()
    assert not ListDraft.objects.exists()
    _columns_page(client, "z.csv", b"A;B\nOUMAROV;Magomed\n")
    ListDraft.objects.update(created_at=timezone.now() - DRAFT_LIFETIME - dt.timedelta(minutes=1))
    assert sweep_drafts() == 1


def test_a_file_too_long_to_keep_has_its_columns_filled_in_on_the_first_page(
    analyst: User, vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("safepassage.analysis.views.lists.DRAFT_MAX_ROWS", 2)
    client = Client()
    sign_in(client, analyst)
    upload = SimpleUploadedFile("asylum.csv", ASYLUM.encode(), content_type="text/csv")
    response = client.post(reverse("analysis:import"), {"list_name": "New", "file": upload})
    assert response.status_code == 200
    assert "Choose the file again." in response.content.decode()
    assert response.context["import_form"]["surname"].value() == "NOM"
    assert not ListDraft.objects.exists()


def test_without_the_keys_a_new_lists_columns_are_filled_in_on_the_first_page(
    vault: Vault,
) -> None:
    keyless = make_user("analyst-keyless", Role.ANALYST)
    client = Client()
    sign_in(client, keyless)
    assert "typed-columns" not in client.get(reverse("analysis:home")).content.decode()
    upload = SimpleUploadedFile("x.csv", b"A;B\nOUMAROV;Magomed\n", content_type="text/csv")
    response = client.post(reverse("analysis:import"), {"list_name": "New", "file": upload})
    text = response.content.decode()
    assert "Say which column holds the name, or the surname and given name" in text
    assert "The file&#x27;s columns: “A”, “B”." in text
    assert '<datalist id="import-columns"><option value="A"></option>' in text
    assert not ListDraft.objects.exists()
    upload = SimpleUploadedFile("asylum.csv", ASYLUM.encode(), content_type="text/csv")
    response = client.post(
        reverse("analysis:import"), {"list_name": "Asylum files", "file": upload, "sex": "Sexe"}
    )
    text = response.content.decode()
    assert "Choose the file again." in text
    form = response.context["import_form"]
    assert form["surname"].value() == "NOM"
    assert 'list="import-columns"' in str(form["age_date"])
    data = {key: value for key in form.fields if key != "file" and (value := form[key].value())}
    data["file"] = SimpleUploadedFile("asylum.csv", ASYLUM.encode(), content_type="text/csv")
    response = client.post(reverse("analysis:import"), data, follow=True)
    assert "2 rows imported." in response.content.decode()


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
