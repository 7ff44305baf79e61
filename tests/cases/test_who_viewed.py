"""Who viewed a case: a coordinator's list of every read of a case's
identity, from the audit log, apart from its edit history, with the
refused attempts; and the contract behind it: every page that shows who
a case's people are, where they are or how they travel records a read of
that case."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from safepassage.audit.models import AuditEntry
from safepassage.cases import viewers
from safepassage.cases.models import Case
from tests.base import Organisation, Vault, comparable, sign_in
from tests.cases.safehouse_helpers import client_of
from tests.cases.sharing import household
from tests.cases.world import IDENTITY, PLACES, build

pytestmark = pytest.mark.django_db


def _reads(case: Case) -> list[AuditEntry]:
    return list(viewers.identity_reads(case))


def _text(response: Any) -> str:
    return html.unescape(re.sub(r"\s+", " ", response.content.decode()))


def test_it_lists_each_read_of_the_identity_with_who_when_and_what(
    org: Organisation, vault: Vault
) -> None:
    case = household(org)
    caseworker, coordinator = client_of(org.caseworker), client_of(org.coordinator)
    assert caseworker.get(f"/cases/{case.code}/").status_code == 200
    assert caseworker.get(f"/cases/{case.code}/travel/").status_code == 200
    # An edit is history, not a read; a refusal is listed apart.
    caseworker.post(
        f"/cases/{case.code}/edit/",
        {"case-version": case.version, "case-risk": "3", "case-assignee": ""},
    )
    assert client_of(org.outsider).get(f"/cases/{case.code}/").status_code == 404
    page = coordinator.get(f"/cases/{case.code}/viewers/")
    assert page.status_code == 200
    text = _text(page)
    assert "Who viewed this case" in text
    rows = re.findall(r'<td data-label="Who">([^<]+)</td>\s*<td data-label="What">([^<]+)', text)
    assert ("case", "Looked at a case's travel") in rows
    assert ("case", "Opened a case") in rows
    assert not any(what.startswith("Changed") for _who, what in rows)
    refused = text.split("Refused attempts", 1)[1]
    assert '<td data-label="Who">outsider</td>' in refused
    # The story column says whether what happened was read too.
    assert '<td data-label="Story read too">yes</td>' in text
    # Looking at the list is audited; it reads no identity itself.
    assert AuditEntry.objects.filter(action="case.viewers_viewed").count() == 1
    assert "case.viewers_viewed" not in viewers.IDENTITY_READS
    # A view that showed no identity (before acceptance, for a caseworker) is not a read.
    Case.objects.filter(pk=case.pk).update(stage="screening", accepted_on=None)
    before = len(_reads(case))
    assert caseworker.get(f"/cases/{case.code}/").status_code == 200
    assert len(_reads(case)) == before
    assert AuditEntry.objects.filter(action="case.viewed", details__identity=False).exists()


def test_the_page_is_in_the_readers_language(org: Organisation, vault: Vault) -> None:
    case = household(org)
    coordinator = client_of(org.coordinator)
    coordinator.get(f"/cases/{case.code}/")
    coordinator.post("/i18n/language/", {"language": "ru", "next": "/"})
    text = _text(coordinator.get(f"/cases/{case.code}/viewers/"))
    with translation.override("ru"):
        assert translation.gettext("Who viewed this case") in text
        assert translation.gettext("Opened a case") in text
    assert "Who viewed this case" not in text
    assert "Opened a case" not in text


def test_only_coordinators_see_it_and_others_get_the_same_404_as_for_nothing(
    org: Organisation, vault: Vault
) -> None:
    case = household(org)
    coordinator = client_of(org.coordinator)
    assert "Who viewed this case" in _text(coordinator.get(f"/cases/{case.code}/"))
    for user in (org.caseworker, org.outsider):
        client = Client()
        sign_in(client, user)
        assert "Who viewed this case" not in _text(client.get(f"/cases/{case.code}/"))
        refused = client.get(f"/cases/{case.code}/viewers/")
        missing = client.get("/cases/C-NOPE99/viewers/")
        assert refused.status_code == missing.status_code == 404
        assert comparable(refused) == comparable(missing)


def test_pages_about_several_cases_record_a_read_of_each_case_they_name(
    org: Organisation, vault: Vault
) -> None:
    world = build(org)
    coordinator = client_of(org.coordinator)
    other = household(org)
    before = len(_reads(world.case))
    house = _text(coordinator.get(f"/cases/safe-houses/{world.house.pk}/"))
    assert "Zelim Daudov" in house
    assert len(_reads(world.case)) == before + 1
    found = _text(coordinator.get("/cases/", {"q": "Zelim Daudov", "stage": ""}))
    assert world.case.code in found
    assert other.code in found
    shown = AuditEntry.objects.filter(action="case.identity_shown").order_by("seq")
    assert [entry.details["where"] for entry in shown] == [f"safehouse:{world.house.pk}", "search"]
    assert sorted(shown.last().details["cases"]) == sorted([str(world.case.pk), str(other.pk)])
    assert len(_reads(world.case)) == before + 2
    # The other case was in the search, not in the house.
    assert [entry.details["where"] for entry in _reads(other)] == ["search"]
    # A search by code names nobody: no read.
    coordinator.get("/cases/", {"q": world.case.code, "stage": ""})
    assert shown.count() == 2


# --- The contract: every page that shows an identity records the read -------------------


def _case_patterns() -> list[tuple[str, URLPattern]]:
    """Every page of the cases app, by name, with its pattern."""
    resolver = get_resolver()
    found = []

    def walk(patterns: list[Any], namespace: str) -> None:
        for item in patterns:
            if isinstance(item, URLResolver):
                walk(item.url_patterns, item.namespace or namespace)
            elif namespace == "cases" and item.name:
                found.append((item.name, item))

    walk(resolver.url_patterns, "")
    return found


def test_every_page_that_shows_an_identity_records_a_read_of_its_case(
    org: Organisation, vault: Vault
) -> None:
    world = build(org)
    ids = world.ids()
    client = client_of(org.coordinator)
    shown = []
    patterns = _case_patterns()
    assert len(patterns) > 40
    for name, pattern in patterns:
        wanted = set(pattern.pattern.converters)
        unknown = wanted - set(ids)
        assert not unknown, f"{name}: give the world a record for {unknown}"
        url = reverse(f"cases:{name}", kwargs={key: ids[key] for key in wanted})
        before = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
        response = client.get(url)
        if response.status_code != 200 or response.get("Content-Type", "").startswith(
            "application/"
        ):
            continue
        html = response.content.decode()
        # Where a house is is the house's, on its own pages; a case's on the case's.
        told = IDENTITY + PLACES if "code" in wanted else IDENTITY
        secrets = [secret for secret in told if secret in html]
        if not secrets:
            continue
        shown.append(name)
        reads = viewers.identity_reads(world.case).filter(seq__gt=before)
        assert reads.exists(), f"{url} shows {secrets} and records no read of the case"
    # The walk reached the pages that show identity.
    assert {"case", "travel", "stays", "consent", "safe_house", "journey"} <= set(shown)
