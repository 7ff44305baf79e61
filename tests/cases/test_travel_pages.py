"""Travel on the case page and on its own pages: a caseworker records a
household's documents, an application, a journey, its arrival and an
asylum claim through forms; bad dates and stale forms come back with a
message and nothing saved; details stay hidden from readers without the
identity keys; an outsider gets the same 404 as for a missing record."""

from __future__ import annotations

import html
import re
import uuid
from datetime import date

import pytest
from django.test import Client

from safepassage.accounts.models import User
from safepassage.accounts.roles import Role
from safepassage.cases.models import (
    Application,
    AsylumClaim,
    Case,
    Journey,
    JourneyLeg,
    TravelDocument,
)
from safepassage.vault import keys
from tests.base import Organisation, Vault, comparable, make_user, sign_in
from tests.cases import travel_helpers as h

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def _text(response: object) -> str:
    return html.unescape(response.content.decode())  # type: ignore[attr-defined]


def test_it_records_the_way_out_through_forms(org: Organisation, vault: Vault) -> None:
    case = h.household_case(org)
    pathway = h.pathway()
    principal, member = h.people(case)
    client = _client(org.caseworker)
    base = f"/cases/{case.code}/travel"
    page = client.get(f"{base}/documents/new/?person={principal.pk}")
    assert page.status_code == 200
    response = client.post(
        f"{base}/documents/new/",
        {
            "person": str(principal.pk),
            "kind": "foreign_passport",
            "status": "issued",
            "expires_on": "2022-03-01",
            "number": "75 0011223",
            "issued_by": "FMS 2001",
            "issued_on": "2012-03-01",
            "issued_at": "Grozny",
            "notes": "Kept by a lawyer",
        },
    )
    assert response.status_code == 302
    client.post(
        f"{base}/documents/new/",
        {"person": str(member.pk), "kind": "birth_certificate", "status": "none"},
    )
    response = client.post(
        f"{base}/applications/new/",
        {
            "pathway": str(pathway.pk),
            "office": "Embassy of Germany, Moscow",
            "appointment_on": "2017-05-02",
            "submitted_on": "2017-05-02",
            "decision": "approved",
            "decided_on": "2017-05-20",
            "people": [str(principal.pk), str(member.pk)],
        },
    )
    assert response.status_code == 302
    response = client.post(
        f"{base}/journeys/new/",
        {"status": "planned", "application": str(Application.objects.get().pk)},
    )
    trip = Journey.objects.get()
    assert response["Location"] == f"{base}/journeys/{trip.pk}/"
    response = client.post(
        f"{base}/journeys/{trip.pk}/legs/new/",
        {
            "departs_on": "2017-06-01",
            "arrives_on": "2017-06-01",
            "origin": "Grozny",
            "destination": "Moscow",
            "transport": "train 029",
            "escort": "Natalia",
        },
    )
    assert response.status_code == 302
    response = client.post(
        f"{base}/journeys/{trip.pk}/arrival/",
        {
            "arrived_on": "2017-06-03",
            "arrived_in": str(pathway.host_id),
            "place": "Berlin",
            "met_by": "Quarteera",
            "version": "1",
        },
    )
    assert response.status_code == 302
    response = client.post(
        f"{base}/claims/new/",
        {
            "host": str(pathway.host_id),
            "authority": "BAMF",
            "reference": "7654321-160",
            "status": "lodged",
            "lodged_on": "2017-06-05",
            "people": [str(principal.pk)],
        },
    )
    assert response.status_code == 302
    page = _text(client.get(f"/cases/{case.code}/travel/"))
    section = page.split('id="travel"', 1)[1]
    for shown in (
        "Zelim Principal (the principal)",
        "foreign-travel passport",
        "75 0011223",
        "Kept by a lawyer",
        "1 March 2022",
        "expired",
        "birth certificate",
        "Host DE: Humanitarian visa",
        "Embassy of Germany, Moscow",
        "approved, 20 May 2017",
        "Grozny",
        "train 029",
        "3 June 2017, Host DE, Berlin (met by Quarteera)",
        "BAMF",
        "7654321-160",
        "lodged 5 June 2017",
    ):
        assert shown in section, shown
    assert "foreign_passport" not in section
    assert "humanitarian_visa" not in section
    claim = AsylumClaim.objects.get()
    assert [p.pk for p in claim.people.all()] == [principal.pk]


def test_it_shows_bad_dates_again_and_saves_nothing(org: Organisation, vault: Vault) -> None:
    case = h.household_case(org)
    pathway = h.pathway()
    client = _client(org.caseworker)
    base = f"/cases/{case.code}/travel"
    response = client.post(
        f"{base}/applications/new/",
        {
            "pathway": str(pathway.pk),
            "office": "Embassy of Germany, Moscow",
            "submitted_on": "2017-05-20",
            "decision": "approved",
            "decided_on": "2017-05-02",
            "notes": "mine",
        },
    )
    assert response.status_code == 400
    page = _text(response)
    assert "The decision cannot come before the application was submitted." in page
    assert 'value="Embassy of Germany, Moscow"' in page
    assert "mine</textarea>" in page
    assert not Application.objects.exists()
    trip = h.journey(org.caseworker, case)
    h.leg(org.caseworker, trip, departs_on=date(2017, 6, 10), arrives_on=date(2017, 6, 10))
    response = client.post(
        f"{base}/journeys/{trip.pk}/arrival/",
        {
            "arrived_on": "2017-06-09",
            "arrived_in": str(pathway.host_id),
            "place": "Berlin",
            "version": "1",
        },
    )
    assert response.status_code == 400
    assert "The arrival cannot come before the journey departed." in _text(response)
    trip.refresh_from_db()
    assert trip.arrived_on is None
    response = client.post(
        f"{base}/journeys/{trip.pk}/legs/new/",
        {"departs_on": "2017-06-12", "arrives_on": "2017-06-11", "origin": "Minsk"},
    )
    assert response.status_code == 400
    assert "A leg cannot arrive before it departs." in _text(response)
    assert JourneyLeg.objects.count() == 1
    response = client.post(f"{base}/documents/new/", {"kind": "passport", "expires_on": "soon"})
    assert response.status_code == 400
    assert "Enter a valid date." in _text(response)
    assert not TravelDocument.objects.exists()


def test_it_refuses_a_stale_form(org: Organisation, vault: Vault) -> None:
    case = h.household_case(org)
    principal, _member = h.people(case)
    document = h.document(org.caseworker, principal)
    url = f"/cases/{case.code}/travel/documents/{document.pk}/"
    form = {
        "person": str(principal.pk),
        "kind": "foreign_passport",
        "number": "75 1234567",
        "version": "1",
    }
    first = _client(org.coordinator).post(url, {**form, "status": "seized"})
    assert first.status_code == 302
    second = _client(org.caseworker).post(url, {**form, "status": "lost", "notes": "mine"})
    assert second.status_code == 409
    page = _text(second)
    assert "Someone else saved this record while you were editing it" in page
    assert "mine</textarea>" in page
    document.refresh_from_db()
    assert document.status == "seized"
    assert document.version == 2


def test_it_hides_details_from_readers_without_identity(org: Organisation, vault: Vault) -> None:
    case = h.household_case(org)
    principal, _member = h.people(case)
    document = h.document(org.caseworker, principal)
    h.approved(org.caseworker, case)
    reader = make_user("reader", Role.CASEWORKER, teams=(org.team,))
    keys.grant(vault.keyring, "casework", reader.pk, by="cli")
    client = _client(reader)
    page = _text(client.get(f"/cases/{case.code}/travel/"))
    section = page.split('id="travel"', 1)[1]
    assert "foreign-travel passport" in section
    assert "the principal" in section
    assert "75 1234567" not in section
    assert "Zelim" not in section
    assert "Only members of the identity compartment can read document numbers" in section
    assert "/travel/documents/" not in section
    response = client.get(f"/cases/{case.code}/travel/documents/{document.pk}/")
    assert response.status_code == 404


def _answer(response: object) -> str:
    """A page as anyone would get it: CSRF tokens and who is logged in blanked."""
    return re.sub(r"Log out \([^)]*\)", "Log out", comparable(response))  # type: ignore[arg-type]


def _record_urls(case: Case, org: Organisation) -> list[str]:
    principal, _member = h.people(case)
    document = h.document(org.caseworker, principal)
    application = h.approved(org.caseworker, case)
    trip = h.journey(org.caseworker, case)
    leg = h.leg(org.caseworker, trip)
    claim = h.claim(org.caseworker, case)
    base = f"/cases/{case.code}/travel"
    return [
        f"{base}/documents/new/",
        f"{base}/documents/{document.pk}/",
        f"{base}/applications/new/",
        f"{base}/applications/{application.pk}/",
        f"{base}/journeys/new/",
        f"{base}/journeys/{trip.pk}/",
        f"{base}/journeys/{trip.pk}/legs/new/",
        f"{base}/journeys/{trip.pk}/legs/{leg.pk}/",
        f"{base}/journeys/{trip.pk}/arrival/",
        f"{base}/claims/new/",
        f"{base}/claims/{claim.pk}/",
    ]


def test_it_gives_an_outsider_the_same_404_as_a_missing_record(
    org: Organisation, vault: Vault
) -> None:
    case = h.household_case(org)
    urls = _record_urls(case, org)
    other = h.household_case(org)
    outsider = _client(org.outsider)
    insider = _client(org.caseworker)
    missing = str(uuid.uuid4())
    for url in urls:
        assert insider.get(url).status_code == 200, url
        refused = outsider.get(url)
        assert refused.status_code == 404, url
        posted = outsider.post(url, {"status": "lost", "version": "1"})
        assert posted.status_code == 404, url
        # A record that does not exist, or of another case, reads the same.
        parts = url.rstrip("/").split("/")
        if parts[-1] != "new":
            gone = "/".join([*parts[:-1], missing]) + "/"
            assert _answer(insider.get(gone)) == _answer(refused), url
            elsewhere = url.replace(case.code, other.code)
            assert _answer(insider.get(elsewhere)) == _answer(refused), url
        assert _answer(insider.get(url.replace(case.code, "C-NOPE00"))) == _answer(refused)
    assert _answer(insider.get(f"/cases/{case.code}/travel/claims/not-an-id/")) == _answer(
        outsider.get(urls[-1])
    )


def test_it_reads_the_travel_page_in_a_fixed_number_of_queries(
    org: Organisation, vault: Vault
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case = h.household_case(org)
    client = _client(org.caseworker)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/cases/{case.code}/travel/").status_code == 200
        return len(captured.captured_queries)

    def more() -> None:
        for who in h.people(case):
            h.document(org.caseworker, who)
        h.approved(org.caseworker, case)
        trip = h.journey(org.caseworker, case)
        h.leg(org.caseworker, trip)
        h.leg(org.caseworker, trip)
        h.claim(org.caseworker, case)

    more()
    few = queries()
    for _ in range(3):
        more()
    assert queries() == few
