"""The case list (/cases/): only the cases one may see; filters by stage,
risk, team, assignee, flag and overdue; sorted; searched by code, or by
name for those who may read the cases' identity; paginated; never a name
on the page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from safepassage.accounts.models import User
from safepassage.audit.models import AuditEntry
from safepassage.cases import listing
from safepassage.cases.models import Case, Risk, Stage
from tests.base import Organisation, Vault, sign_in
from tests.cases.helpers import at_stage, open_household, person, verifier

pytestmark = pytest.mark.django_db


def _plain(org: Organisation, **fields: object) -> Case:
    """A case with nothing but plain columns set (its story sealed to the
    public key: no keys needed)."""
    fields.setdefault("team", org.team)
    case = Case(**fields)
    case.narrative = "x"
    case.save()
    return case


def _codes(client: Client, query: str = "") -> list[str]:
    response = client.get(f"/cases/{query}")
    assert response.status_code == 200
    return re.findall(r'<a href="/cases/(C-\w+)/">', response.content.decode())


def _client(user: User) -> Client:
    client = Client()
    sign_in(client, user)
    return client


def test_it_lists_only_the_cases_one_may_see(org: Organisation, vault: Vault) -> None:
    ours = _plain(org)
    theirs = _plain(org, team=org.other_team)
    own = _plain(org, team=None, opened_by=org.caseworker)
    assert set(_codes(_client(org.caseworker))) == {ours.code, own.code}
    assert set(_codes(_client(org.coordinator))) == {ours.code, theirs.code, own.code}
    assert _codes(_client(org.outsider)) == [theirs.code]
    assert _client(org.admin).get("/cases/").status_code == 404
    assert AuditEntry.objects.filter(action="case.list_viewed").count() == 3


def test_it_filters_by_stage_risk_team_assignee_and_flag(org: Organisation, vault: Vault) -> None:
    received = _plain(org, risk=Risk.HIGH, assignee=org.caseworker)
    accepted = _plain(org, stage=Stage.ACCEPTED, risk=Risk.LOW, flags=",medical,urgent,")
    closed = _plain(org, stage=Stage.CLOSED)
    declined = _plain(org, stage=Stage.DECLINED, team=org.other_team)
    client = _client(org.coordinator)
    # Cases still on their way by default; every case on asking.
    assert set(_codes(client)) == {received.code, accepted.code}
    assert set(_codes(client, "?stage=")) == {
        c.code for c in (received, accepted, closed, declined)
    }
    assert _codes(client, "?stage=closed") == [closed.code]
    assert _codes(client, f"?risk={Risk.HIGH}") == [received.code]
    assert _codes(client, "?flag=urgent") == [accepted.code]
    assert _codes(client, "?flag=legal") == []
    assert _codes(client, f"?stage=&team={org.other_team.pk}") == [declined.code]
    assert _codes(client, "?assignee=nobody") == [accepted.code]
    assert _codes(client, f"?assignee={org.caseworker.pk}") == [received.code]
    assert _codes(_client(org.caseworker), "?assignee=me") == [received.code]


def test_it_shows_overdue_cases(org: Organisation, vault: Vault) -> None:
    today = timezone.localdate()
    stuck = _plain(org, stage=Stage.SCREENING, stage_since=today - timedelta(days=30))
    _plain(org, stage=Stage.SCREENING, stage_since=today - timedelta(days=2))
    client = _client(org.coordinator)
    assert _codes(client, "?overdue=on") == [stuck.code]
    page = client.get("/cases/").content.decode()
    assert page.count('<span class="badge overdue">overdue</span>') == 1


def test_it_sorts(org: Organisation, vault: Vault) -> None:
    today = timezone.localdate()
    calm = _plain(org, code="C-AAAAAA", risk=Risk.LOW, opened_on=today - timedelta(days=9))
    danger = _plain(org, code="C-BBBBBB", risk=Risk.CRITICAL, opened_on=today - timedelta(days=5))
    urgent = _plain(org, code="C-CCCCCC", risk=Risk.CRITICAL, urgency=3, opened_on=today)
    Case.objects.filter(pk=calm.pk).update(changed_on=today)
    Case.objects.filter(pk__in=[danger.pk, urgent.pk]).update(changed_on=today - timedelta(days=3))
    client = _client(org.coordinator)
    assert _codes(client) == [urgent.code, danger.code, calm.code]
    assert _codes(client, "?sort=opened") == [urgent.code, danger.code, calm.code]
    assert _codes(client, "?sort=code") == [calm.code, danger.code, urgent.code]
    assert _codes(client, "?sort=changed") == [calm.code, danger.code, urgent.code]


def test_it_searches_by_code(org: Organisation, vault: Vault) -> None:
    wanted = _plain(org, code="C-XY23QR")
    _plain(org, code="C-ABCDEF")
    assert _codes(_client(org.caseworker), "?q=xy23") == [wanted.code]
    # Without identity's keys: by code only, and the page says so.
    response = _client(org.outsider).get("/cases/?q=Magomed")
    assert "Searching by name needs the identity compartment." in response.content.decode()


def test_it_searches_by_name_for_those_who_may_read_the_identity(
    org: Organisation, vault: Vault
) -> None:
    checker = verifier(org, vault)
    case = open_household(org.coordinator, person("Magomed Yusupov"))
    Case.objects.filter(pk=case.pk).update(team=org.team)
    assert _codes(_client(org.coordinator), "?q=Магомед") == [case.code]
    assert _codes(_client(checker), "?q=magomed") == [case.code]
    # Not yet accepted: the caseworker finds nothing by name.
    assert _codes(_client(org.caseworker), "?q=magomed") == []
    at_stage(case, Stage.ACCEPTED)
    assert _codes(_client(org.caseworker), "?q=magomed") == [case.code]
    assert AuditEntry.objects.filter(action="case.people_searched").count() == 4


def test_no_name_is_ever_on_the_list(org: Organisation, vault: Vault) -> None:
    case = open_household(org.coordinator, person("Magomed Yusupov", handle="+7 928 4"))
    at_stage(case, Stage.ACCEPTED, team=org.team)
    for user in (org.coordinator, org.caseworker):
        page = _client(user).get("/cases/?q=Magomed").content.decode()
        assert case.code in page
        assert "Magomed" in page  # in the search box, as typed
        assert "Yusupov" not in page
        assert "+7 928 4" not in page


def test_it_pages_and_keeps_the_filters(org: Organisation, vault: Vault) -> None:
    for _ in range(listing.PAGE_SIZE + 3):
        _plain(org, risk=Risk.MEDIUM)
    _plain(org, risk=Risk.LOW)
    client = _client(org.coordinator)
    first = client.get(f"/cases/?risk={Risk.MEDIUM}").content.decode()
    assert "Page 1 of 2" in first
    assert len(re.findall(r'<a href="/cases/(C-\w+)/">', first)) == listing.PAGE_SIZE
    assert f'href="?risk={Risk.MEDIUM}&amp;page=2"' in first
    assert len(_codes(client, f"?risk={Risk.MEDIUM}&page=2")) == 3


def test_it_lists_at_most_so_many_and_asks_for_narrower_filters(
    org: Organisation, vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counting every match of a filter among a hundred thousand cases
    reads them all: the list counts up to a bound, and past it says so."""
    monkeypatch.setattr(listing, "PAGE_SIZE", 2)
    monkeypatch.setattr(listing, "MOST_LISTED", 4)
    for _ in range(6):
        _plain(org)
    client = _client(org.coordinator)
    first = client.get("/cases/").content.decode()
    assert "More than 4 cases match: only the first 4 are listed." in first
    assert "Page 1 of 2" in first
    assert len(_codes(client, "?page=2")) == 2
    assert len(_codes(client, "?page=3")) == 2  # past the last page: the last one
    _plain(org, risk=Risk.HIGH)
    narrow = client.get(f"/cases/?risk={Risk.HIGH}").content.decode()
    assert "More than" not in narrow
    assert "Page 1 of 1" in narrow


def test_a_filter_that_does_not_parse_is_named_and_ignored(org: Organisation, vault: Vault) -> None:
    case = _plain(org)
    response = _client(org.coordinator).get("/cases/?risk=9&sort=sideways")
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count('class="field-error"') == 2
    assert case.code in page


def test_the_list_reads_in_russian(org: Organisation, vault: Vault) -> None:
    _plain(org, risk=Risk.HIGH, flags=",urgent,")
    client = _client(org.coordinator)
    client.post("/i18n/language/", {"language": "ru", "next": "/"})
    page = re.sub(r"<[^>]+>", " ", client.get("/cases/").content.decode())  # what a reader sees
    assert "Дела" in page
    for english in ("Risk level", "Assigned to", "urgent", "high", "received", "Nobody"):
        assert english not in page, english


def test_the_list_takes_as_many_queries_for_fifty_cases_as_for_two(
    org: Organisation, vault: Vault
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client(org.coordinator)
    counts = []
    for total in (2, 50):
        while Case.objects.count() < total:
            _plain(org, assignee=org.caseworker, flags=",urgent,")
        with CaptureQueriesContext(connection) as queries:
            assert len(_codes(client)) == total
        counts.append(len(queries))
    assert counts[0] == counts[1]
