"""Hosts and their pathways: coordinators and administrators add, change
and retire them on their pages, each change audited; a country needs its
code, once; a stale form saves nothing; a retired pathway is no longer
offered to new applications but still named by the old ones; others get
the same 404 as for a host that does not exist."""

from __future__ import annotations

import html

import pytest
from django.test import Client

from safepassage.accounts.models import User
from safepassage.audit.models import AuditEntry
from safepassage.cases.models import Host, Pathway
from tests.base import Organisation, Vault, comparable, sign_in
from tests.cases import travel_helpers as h

pytestmark = pytest.mark.django_db

HOST = {"kind": "country", "country": "de", "name_en": "Germany", "name_ru": "Германия"}
PATHWAY = {
    "kind": "humanitarian_visa",
    "name_en": "Admission under section 22",
    "name_ru": "Приём по § 22",
    "name_fr": "Admission au titre de l’article 22",
    "rules": "Urgent humanitarian grounds.",
    "active": "on",
}


def _main(response: object) -> str:
    """What the page says, without the menu (which differs by role)."""
    return comparable(response).split('<main id="main">', 1)[1]  # type: ignore[arg-type]


def _client(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def test_it_adds_changes_and_retires_hosts_and_pathways(org: Organisation, vault: Vault) -> None:
    client = _client(org.admin)
    response = client.post("/cases/hosts/new/", {**HOST, "name_fr": "Allemagne", "active": "on"})
    assert response.status_code == 302
    host = Host.objects.get()
    assert host.country == "DE"
    response = client.post(f"/cases/hosts/{host.pk}/pathways/new/", PATHWAY)
    assert response.status_code == 302
    pathway = Pathway.objects.get()
    response = client.post(
        f"/cases/hosts/pathways/{pathway.pk}/",
        {**PATHWAY, "rules": "Urgent grounds; a sponsor.", "version": "1"},
    )
    assert response.status_code == 302
    pathway.refresh_from_db()
    assert pathway.rules == "Urgent grounds; a sponsor."
    assert pathway.version == 2
    client.post("/i18n/language/", {"language": "ru", "next": "/"})
    page = html.unescape(client.get("/cases/hosts/").content.decode())
    assert "Германия (DE)" in page
    assert "Приём по § 22" in page
    response = client.post(f"/cases/hosts/{host.pk}/retire/")
    assert response.status_code == 302
    pathway.refresh_from_db()
    host.refresh_from_db()
    assert (host.active, pathway.active) == (False, False)
    actions = list(AuditEntry.objects.values_list("action", flat=True))
    for action in ("host.added", "host.pathway_added", "host.pathway_changed", "host.retired"):
        assert action in actions
    changed = AuditEntry.objects.get(action="host.pathway_changed")
    assert changed.details["changed"] == ["rules"]
    assert changed.target == f"pathway:{pathway.pk}"


def test_it_needs_a_country_code_once(org: Organisation, vault: Vault) -> None:
    client = _client(org.coordinator)
    form = {**HOST, "name_fr": "Allemagne", "active": "on"}
    response = client.post("/cases/hosts/new/", {**form, "country": ""})
    assert response.status_code == 400
    assert "A country needs its code." in response.content.decode()
    response = client.post("/cases/hosts/new/", {**form, "country": "Deutschland"})
    assert response.status_code == 400
    assert "Give the two letters of the country, such as DE or FR." in html.unescape(
        response.content.decode()
    )
    assert client.post("/cases/hosts/new/", form).status_code == 302
    response = client.post("/cases/hosts/new/", {**form, "name_en": "Germany again"})
    assert response.status_code == 400
    assert "This country is already a host." in response.content.decode()
    partner = {**form, "kind": "partner", "name_en": "Rainbow Railroad", "country": ""}
    assert client.post("/cases/hosts/new/", partner).status_code == 302
    assert Host.objects.count() == 2


def test_it_refuses_a_stale_host_form(org: Organisation, vault: Vault) -> None:
    host = h.pathway().host
    form = {"kind": "country", "country": "DE", "name_ru": "Г", "name_fr": "A", "version": "1"}
    first = _client(org.admin).post(f"/cases/hosts/{host.pk}/", {**form, "name_en": "Germany"})
    assert first.status_code == 302
    second = _client(org.coordinator).post(
        f"/cases/hosts/{host.pk}/", {**form, "name_en": "Deutschland"}
    )
    assert second.status_code == 409
    assert "Someone else saved this while you were editing it" in second.content.decode()
    host.refresh_from_db()
    assert host.name_en == "Germany"


def test_it_offers_only_pathways_in_use(org: Organisation, vault: Vault) -> None:
    case = h.household_case(org)
    kept = h.pathway()
    retired = h.pathway(name="Old programme")
    application = h.application(org.caseworker, case, pathway=retired)
    _client(org.admin).post(f"/cases/hosts/pathways/{retired.pk}/retire/")
    client = _client(org.caseworker)
    new = client.get(f"/cases/{case.code}/travel/applications/new/").content.decode()
    assert f'value="{kept.pk}"' in new
    assert f'value="{retired.pk}"' not in new
    old = client.get(f"/cases/{case.code}/travel/applications/{application.pk}/").content.decode()
    assert f'value="{retired.pk}" selected' in old
    assert AuditEntry.objects.filter(action="host.pathway_retired").count() == 1


def test_it_gives_others_the_same_404_as_a_missing_host(org: Organisation, vault: Vault) -> None:
    pathway = h.pathway()
    urls = [
        "/cases/hosts/",
        "/cases/hosts/new/",
        f"/cases/hosts/{pathway.host_id}/",
        f"/cases/hosts/{pathway.host_id}/pathways/new/",
        f"/cases/hosts/pathways/{pathway.pk}/",
    ]
    caseworker = _client(org.caseworker)
    admin = _client(org.admin)
    for url in urls:
        assert admin.get(url).status_code == 200, url
        assert caseworker.get(url).status_code == 404, url
    for url in (
        f"/cases/hosts/{pathway.host_id}/retire/",
        f"/cases/hosts/pathways/{pathway.pk}/retire/",
    ):
        assert caseworker.post(url).status_code == 404
    assert Pathway.objects.get().active
    missing_host = _main(admin.get("/cases/hosts/9999/"))
    assert missing_host == _main(caseworker.get(f"/cases/hosts/{pathway.host_id}/"))
    assert admin.get("/cases/hosts/pathways/9999/").status_code == 404
