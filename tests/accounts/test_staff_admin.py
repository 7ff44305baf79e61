"""Administrators add staff, change roles and teams, reset passwords and
second factors, and deactivate accounts; every change is audited."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from safepassage.accounts import actions
from safepassage.accounts.models import Authenticator, Team, User
from safepassage.accounts.roles import Role
from safepassage.audit.models import AuditEntry
from tests.base import Organisation, log_in_with_password, sign_in


def test_an_administrator_adds_a_staff_member(org: Organisation, client: Client) -> None:
    sign_in(client, org.admin)
    response = client.post(
        "/staff/new/",
        {"username": "Amina.K", "roles": ["caseworker", "verifier"], "teams": [org.team.pk]},
    )
    assert response.status_code == 200
    password = re.search(r'<code class="secret">([^<]+)</code>', response.content.decode())
    assert password is not None
    user = User.objects.get(username="amina.k")
    assert user.roles == {"caseworker", "verifier"}
    assert user.team_ids == {org.team.pk}
    assert user.must_change_password
    entry = AuditEntry.objects.get(action="staff.created")
    assert entry.target == f"user:{user.pk}"
    assert entry.details == {"roles": ["caseworker", "verifier"], "teams": [org.team.pk]}
    # The temporary password works once, leading to enrolment.
    assert log_in_with_password(Client(), "amina.k", password.group(1))["Location"] == (
        "/login/enrol/"
    )


def test_a_bad_form_is_shown_again_with_what_was_typed(org: Organisation, client: Client) -> None:
    sign_in(client, org.admin)
    response = client.post("/staff/new/", {"username": "x", "roles": [], "teams": [org.team.pk]})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Use 3 to 40 lower-case letters" in html
    assert "Choose at least one role." in html
    assert 'value="x"' in html
    assert re.search(f'name="teams" value="{org.team.pk}" id="id_teams_\\d" checked', html)
    assert not User.objects.filter(username="x").exists()


def test_a_taken_username_is_refused(org: Organisation, client: Client) -> None:
    sign_in(client, org.admin)
    response = client.post("/staff/new/", {"username": "CASE", "roles": ["analyst"]})
    assert response.status_code == 400
    assert "This username is taken." in response.content.decode()


def test_an_administrator_changes_roles_and_teams(org: Organisation, client: Client) -> None:
    sign_in(client, org.admin)
    response = client.post(
        f"/staff/{org.caseworker.pk}/",
        {"roles": ["documenter"], "teams": [org.other_team.pk]},
    )
    assert response.status_code == 302
    user = User.objects.get(pk=org.caseworker.pk)
    assert user.roles == {"documenter"}
    assert user.team_ids == {org.other_team.pk}
    entry = AuditEntry.objects.get(action="staff.access_changed")
    assert entry.details == {
        "added_roles": ["documenter"],
        "removed_roles": ["caseworker"],
        "added_teams": [org.other_team.pk],
        "removed_teams": [org.team.pk],
    }


def test_the_last_administrator_keeps_the_role(org: Organisation) -> None:
    with pytest.raises(actions.ActionRefused):
        actions.set_access(org.admin, roles=["auditor"], teams=[], by=org.admin)
    with pytest.raises(actions.ActionRefused):
        actions.set_active(org.admin, False, by=org.admin)
    assert User.objects.get(pk=org.admin.pk).roles == {"administrator"}


def test_a_second_administrator_can_step_down(org: Organisation) -> None:
    from tests.base import make_user

    make_user("admin2", Role.ADMINISTRATOR)
    actions.set_access(org.admin, roles=["auditor"], teams=[], by=org.admin)
    assert User.objects.get(pk=org.admin.pk).roles == {"auditor"}


def test_deactivation_ends_sessions_and_logins(org: Organisation) -> None:
    victim = Client()
    sign_in(victim, org.caseworker)
    admin = Client()
    sign_in(admin, org.admin)
    response = admin.post(f"/staff/{org.caseworker.pk}/deactivate/")
    assert response.status_code == 302
    assert victim.get("/").status_code == 302
    assert log_in_with_password(Client(), "case").status_code == 401
    assert AuditEntry.objects.filter(action="staff.deactivated").count() == 1
    admin.post(f"/staff/{org.caseworker.pk}/activate/")
    assert log_in_with_password(Client(), "case").status_code == 302


def test_a_second_factor_reset_means_enrolling_again(org: Organisation, client: Client) -> None:
    sign_in(client, org.admin)
    client.post(f"/staff/{org.caseworker.pk}/reset-second-factor/")
    assert not Authenticator.objects.filter(user=org.caseworker).exists()
    assert log_in_with_password(Client(), "case")["Location"] == "/login/enrol/"


def test_a_password_reset_gives_a_temporary_password(org: Organisation, client: Client) -> None:
    sign_in(client, org.admin)
    response = client.post(f"/staff/{org.caseworker.pk}/reset-password/")
    password = re.search(r'<code class="secret">([^<]+)</code>', response.content.decode())
    assert password is not None
    assert log_in_with_password(Client(), "case").status_code == 401
    assert log_in_with_password(Client(), "case", password.group(1)).status_code == 302
    assert User.objects.get(pk=org.caseworker.pk).must_change_password


def test_an_unknown_action_is_404(org: Organisation, client: Client) -> None:
    sign_in(client, org.admin)
    assert client.post(f"/staff/{org.caseworker.pk}/promote/").status_code == 404


def test_teams_are_created_and_staffed(org: Organisation, client: Client) -> None:
    sign_in(client, org.coordinator)
    response = client.post("/teams/new/", {"name": "  Safe   houses "})
    team = Team.objects.get(name="Safe houses")
    assert response["Location"] == f"/teams/{team.pk}/"
    assert client.post("/teams/new/", {"name": "safe houses"}).status_code == 400
    response = client.post(f"/teams/{team.pk}/", {"members": [org.caseworker.pk]})
    assert response.status_code == 302
    assert list(team.members.all()) == [org.caseworker]
    assert AuditEntry.objects.filter(action="team.members_changed").count() == 1


def test_the_staff_list_shows_everyone_to_an_auditor(org: Organisation, client: Client) -> None:
    sign_in(client, org.auditor)
    html = client.get("/staff/").content.decode()
    for name in ("coord", "case", "outsider", "admin", "auditor"):
        assert f">{name}</a>" in html
    assert "Add a staff member" not in html
