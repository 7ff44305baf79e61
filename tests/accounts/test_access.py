"""Roles and teams decide access through one function per object; anyone
else gets the same 404 as for something that does not exist."""

from __future__ import annotations

import pytest
from django.http import Http404
from django.test import Client

from safepassage.accounts.access import get_staff_for, get_team_for, require
from safepassage.accounts.roles import ROLE_PERMISSIONS, Perm, Role
from safepassage.audit.models import AuditEntry
from tests.base import Organisation, comparable, sign_in


def test_a_member_sees_their_team(org: Organisation) -> None:
    assert get_team_for(org.caseworker, org.team.pk) == org.team


def test_an_outsider_gets_404_and_the_refusal_is_audited(org: Organisation) -> None:
    with pytest.raises(Http404):
        get_team_for(org.outsider, org.team.pk)
    entry = AuditEntry.objects.get(action="access.denied")
    assert entry.actor == f"user:{org.outsider.pk}"
    assert entry.target == f"team:{org.team.pk}"
    assert entry.outcome == "denied"


def test_a_missing_team_gets_the_same_404(org: Organisation) -> None:
    with pytest.raises(Http404):
        get_team_for(org.outsider, 999_999)


def test_a_coordinator_sees_every_team(org: Organisation) -> None:
    assert get_team_for(org.coordinator, org.other_team.pk) == org.other_team


def test_a_deactivated_member_sees_nothing(org: Organisation) -> None:
    org.caseworker.is_active = False
    org.caseworker.save()
    with pytest.raises(Http404):
        get_team_for(org.caseworker, org.team.pk)


def test_the_team_page_answers_an_outsider_like_a_missing_page(
    org: Organisation, client: Client
) -> None:
    sign_in(client, org.outsider)
    forbidden = client.get(f"/teams/{org.team.pk}/")
    missing = client.get("/teams/999999/")
    assert forbidden.status_code == missing.status_code == 404
    assert comparable(forbidden) == comparable(missing)
    sign_in(client, org.caseworker)
    assert client.get(f"/teams/{org.team.pk}/").status_code == 200


def test_the_team_list_shows_only_ones_own_teams(org: Organisation, client: Client) -> None:
    sign_in(client, org.caseworker)
    page = client.get("/teams/").content.decode()
    assert "Evacuation" in page
    assert "Documentation" not in page


def test_roles_grant_only_their_permissions(org: Organisation) -> None:
    require(org.admin, Perm.MANAGE_STAFF)
    require(org.auditor, Perm.VIEW_AUDIT_LOG)
    for user, perm in [
        (org.caseworker, Perm.MANAGE_STAFF),
        (org.caseworker, Perm.VIEW_AUDIT_LOG),
        (org.admin, Perm.VIEW_AUDIT_LOG),
        (org.auditor, Perm.MANAGE_STAFF),
    ]:
        with pytest.raises(Http404):
            require(user, perm)


def test_every_role_has_a_permission_set() -> None:
    assert set(ROLE_PERMISSIONS) == set(Role)


def test_staff_pages_are_404_for_those_without_the_role(org: Organisation, client: Client) -> None:
    sign_in(client, org.caseworker)
    for url in ["/staff/", "/staff/new/", f"/staff/{org.admin.pk}/", "/audit/"]:
        assert client.get(url).status_code == 404, url
    assert client.post(f"/staff/{org.admin.pk}/deactivate/").status_code == 404
    assert client.post("/teams/new/", {"name": "Mine"}).status_code == 404


def test_an_auditor_views_staff_but_cannot_change_them(org: Organisation, client: Client) -> None:
    sign_in(client, org.auditor)
    assert client.get(f"/staff/{org.caseworker.pk}/").status_code == 200
    assert (
        client.post(f"/staff/{org.caseworker.pk}/", {"roles": ["administrator"]}).status_code == 404
    )
    with pytest.raises(Http404):
        get_staff_for(org.auditor, org.caseworker.pk, manage=True)
