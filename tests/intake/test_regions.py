""" "Where are you now?": nothing is chosen until the person chooses (so
skipping it is "not answered", distinct from "I prefer not to say"), and
the regions are administrators' data, in three languages, ordered, hidden
rather than deleted, every change audited. Stored answers stay readable."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from safepassage.audit.models import AuditEntry
from safepassage.intake import actions
from safepassage.intake import payload as request_payload
from safepassage.intake.models import Region, Submission
from safepassage.intake.regions import DEFAULT_REGIONS
from safepassage.vault.keyring import using_keyring
from tests.base import Organisation, Vault, keyring_of, sign_in
from tests.intake.helpers import send_request

pytestmark = pytest.mark.django_db


def _area_options(html: str) -> list[tuple[str, str, bool]]:
    box = html.split('name="area"', 1)[1].split("</select>", 1)[0]
    return [
        (value, text, "selected" in attributes)
        for value, attributes, text in re.findall(
            r'<option value="([^"]*)"([^>]*)>([^<]*)</option>', box
        )
    ]


def _request_with(area: str | None) -> Submission:
    overrides = {} if area is None else {"area": area}
    before = set(Submission.objects.values_list("pk", flat=True))
    if area is None:
        from tests.intake.helpers import request_data

        data = request_data()
        del data["area"]
        response = Client().post("/request/", data)
        assert response.status_code == 200
    else:
        send_request(**overrides)
    return Submission.objects.exclude(pk__in=before).get()


def test_the_form_starts_with_nothing_chosen(vault: Vault) -> None:
    options = _area_options(Client().get("/request/?lang=en").content.decode())
    assert options[0] == ("", "—", True)
    assert [value for value, _text, selected in options if selected] == [""]
    assert [value for value, _text, _selected in options] == [
        "",
        *(key for key, *_names in DEFAULT_REGIONS),
        "unsaid",
    ]
    russian = _area_options(Client().get("/request/?lang=ru").content.decode())
    assert ("chechnya", "Чечня", False) in russian
    assert ("unsaid", "Предпочитаю не говорить", False) in russian


def test_skipping_it_is_not_answered_and_distinct_from_prefer_not_to_say(
    org: Organisation, vault: Vault
) -> None:
    skipped = _request_with(None)
    empty = _request_with("")
    unsaid = _request_with("unsaid")
    with using_keyring(keyring_of(org.coordinator)):
        assert skipped.payload.location.area == ""
        assert empty.payload.location.area == ""
        assert unsaid.payload.location.area == "unsaid"
    client = Client()
    sign_in(client, org.coordinator)
    assert "not answered" in client.get(f"/intake/{skipped.code}/").content.decode()
    page = client.get(f"/intake/{unsaid.code}/").content.decode()
    assert "prefers not to say" in page
    assert "Chechnya" not in page


def test_administrators_keep_the_list_and_every_change_is_audited(
    org: Organisation, vault: Vault
) -> None:
    client = Client()
    sign_in(client, org.admin)
    assert "Chechnya" in client.get("/intake/regions/").content.decode()
    response = client.post(
        "/intake/regions/new/",
        {
            "key": "georgia",
            "name_en": "Georgia",
            "name_ru": "Грузия",
            "name_fr": "Géorgie",
            "position": "5",
            "active": "on",
        },
    )
    assert response.status_code == 302
    georgia = Region.objects.get(key="georgia")
    options = _area_options(Client().get("/request/?lang=fr").content.decode())
    assert options[1] == ("georgia", "Géorgie", False)  # first, by its position

    chechnya = Region.objects.get(key="chechnya")
    response = client.post(
        f"/intake/regions/{chechnya.pk}/",
        {
            "key": "renamed",  # ignored: the key cannot change
            "name_en": "Chechen Republic",
            "name_ru": "Чеченская Республика",
            "name_fr": "République tchétchène",
            "position": "10",
        },  # "active" unticked: hidden
    )
    assert response.status_code == 302
    chechnya.refresh_from_db()
    assert chechnya.key == "chechnya"
    assert not chechnya.active
    values = [
        value
        for value, _text, _selected in _area_options(Client().get("/request/").content.decode())
    ]
    assert "chechnya" not in values

    added, changed = AuditEntry.objects.filter(action__startswith="intake.region_").order_by("seq")
    assert (added.action, added.actor, added.details["key"]) == (
        "intake.region_added",
        f"user:{org.admin.pk}",
        "georgia",
    )
    assert changed.action == "intake.region_changed"
    assert changed.details["changed"] == ["active", "name_en", "name_fr", "name_ru"]
    assert georgia.pk != chechnya.pk


def test_only_those_who_manage_the_form_edit_regions(org: Organisation, vault: Vault) -> None:
    client = Client()
    sign_in(client, org.coordinator)
    assert client.get("/intake/regions/").status_code == 404
    assert client.post("/intake/regions/new/", {"key": "x"}).status_code == 404
    sign_in(client, org.admin)
    assert client.get("/intake/regions/999999/").status_code == 404


def test_the_key_of_prefer_not_to_say_is_not_a_region(org: Organisation, vault: Vault) -> None:
    client = Client()
    sign_in(client, org.admin)
    response = client.post(
        "/intake/regions/new/",
        {"key": "unsaid", "name_en": "x", "name_ru": "x", "name_fr": "x", "position": "1"},
    )
    assert response.status_code == 400
    assert "kept for “I prefer not to say”" in response.content.decode()


def test_stored_answers_stay_readable(org: Organisation, vault: Vault) -> None:
    hidden = _request_with("caucasus")
    Region.objects.filter(key="caucasus").update(active=False)
    # A request stored with a key no region has any more.
    older = actions.receive_request(
        request_payload.decode(
            {"lang": "ru", "happened": "x", "help": "y", "location": {"area": "ingushetia"}}
        ),
        [],
        language="ru",
    ).submission
    client = Client()
    sign_in(client, org.coordinator)
    assert (
        "Elsewhere in the North Caucasus" in client.get(f"/intake/{hidden.code}/").content.decode()
    )
    client.post("/i18n/language/", {"language": "ru", "next": "/"})
    assert (
        "Другое место на Северном Кавказе" in client.get(f"/intake/{hidden.code}/").content.decode()
    )
    assert "ingushetia" in client.get(f"/intake/{older.code}/").content.decode()
