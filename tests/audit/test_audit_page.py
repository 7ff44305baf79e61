"""The auditor's page: readable entries, filters, pages, and the chain's state."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client

from safepassage.accounts import actions
from safepassage.accounts.models import RoleGrant
from safepassage.accounts.roles import Role
from safepassage.audit.chain import record
from safepassage.audit.models import AuditEntry
from safepassage.audit.pages import PAGE_SIZE
from safepassage.vault import keys as vault_keys
from safepassage.vault.keyring import using_keyring
from tests.audit.tamper import TABLE, sql, triggers_removed
from tests.base import Organisation, Vault, hold_ceremony, sign_in

pytestmark = pytest.mark.django_db

RUN = "linkagerun:3f2a9c1e-0000-4000-8000-000000000001"
OTHER_RUN = "linkagerun:77aa0000-0000-4000-8000-000000000002"


def _page(client: Client, **params: object) -> str:
    response = client.get("/audit/", params)
    assert response.status_code == 200
    return response.content.decode()


def _table(client: Client, **params: object) -> str:
    """The entries of the page (not the filter's lists of actions and people)."""
    return _page(client, **params).split("<tbody>", 1)[1].split("</tbody>", 1)[0]


def _cells(html: str) -> list[str]:
    return re.findall(r"<td[^>]*>", html)


def test_an_auditor_sees_the_log_and_that_it_is_intact(org: Organisation, client: Client) -> None:
    record(org.admin, "staff.created", org.caseworker)
    sign_in(client, org.auditor)
    html = _page(client)
    assert "The chain is intact" in html
    table = _table(client)
    assert "Added a staff member" in table
    assert "staff.created" not in table
    # Looking at the log is itself recorded.
    assert AuditEntry.objects.filter(action="audit.viewed", actor=f"user:{org.auditor.pk}").exists()


def test_the_page_shows_a_broken_chain(org: Organisation, client: Client) -> None:
    record(org.admin, "staff.created", org.caseworker)
    record(org.admin, "staff.deactivated", org.caseworker)
    with triggers_removed():
        sql(f"UPDATE {TABLE} SET target = 'user:999' WHERE seq = 2")  # noqa: S608
    sign_in(client, org.auditor)
    html = _page(client)
    assert "The chain is broken." in html
    assert "entry #2 was altered" in html


def test_a_page_view_checks_only_the_new_entries(org: Organisation, client: Client) -> None:
    for n in range(30):
        record("cli", "test.entry", number=n)
    sign_in(client, org.auditor)
    first = client.get("/audit/").context["verification"]
    assert (first.since, first.checked) == (0, 30)
    record(org.admin, "staff.created", org.caseworker)
    second = client.get("/audit/").context["verification"]
    # Only what came after the first view's check: its own entry, and one more.
    assert second.since == 30
    assert second.checked == 2
    assert second.ok


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("ru", ["Добавлен сотрудник", "Показано 25 пар для проверки", "Сотрудник"]),
        (
            "fr",
            ["Membre de l’équipe ajouté", "25 paires affichées pour revue", "Membre de l’équipe"],
        ),
    ],
)
def test_the_log_reads_in_the_readers_language(
    language: str, words: list[str], org: Organisation, client: Client
) -> None:
    record(org.admin, "staff.created", org.caseworker)
    for _n in range(25):
        record(org.outsider, "analysis.pair_shown", RUN, first="a", second="b")
    sign_in(client, org.auditor)
    client.cookies["django_language"] = language
    table = _table(client)
    for text in words:
        assert text in table
    for code in ("staff.created", "analysis.pair_shown", "Added a staff member", "Staff member"):
        assert code not in table


def test_staff_are_named_only_for_holders_of_the_staff_compartment(
    org: Organisation, vault: Vault, client: Client
) -> None:
    with using_keyring(vault.keyring):
        actions.set_identity(org.caseworker, name="Amina Kadyrova", email="", by=org.admin)
    record(org.caseworker, "auth.login", org.caseworker)
    sign_in(client, org.auditor)
    html = _page(client)
    assert "Amina" not in html
    assert f"Staff member {org.caseworker.pk}" in html
    assert "their names are in the staff compartment" in html
    vault_keys.grant(vault.keyring, "staff", org.auditor.pk, by="cli")
    sign_in(client, org.auditor)
    html = _page(client)
    assert "Amina Kadyrova" in html
    # Reading names is part of the read that is recorded.
    viewed = AuditEntry.objects.filter(action="audit.viewed").order_by("-seq").first()
    assert viewed is not None
    assert viewed.details["names"] is True


def test_targets_show_what_they_are_to_those_who_may_see_it(
    org: Organisation, vault: Vault, client: Client
) -> None:
    from safepassage.intake.models import Submission
    from tests.intake.helpers import send_request

    send_request()
    submission = Submission.objects.get()
    record(org.coordinator, "intake.viewed", submission)
    record(org.admin, "team.created", org.team)
    sign_in(client, org.auditor)
    html = _page(client)
    assert "team “Evacuation”" in html
    # The auditor does not work requests: the request by kind and a short id.
    assert f"request {submission.pk.hex[:8]}" in html
    assert submission.code not in html
    # An auditor who also triages requests sees its code.
    RoleGrant.objects.create(user=org.auditor, role=Role.VERIFIER)
    sign_in(client, org.auditor)
    html = _page(client)
    assert f"request {submission.code}" in html


def test_a_list_is_shown_by_its_name_to_those_who_count_victims(
    org: Organisation, client: Client
) -> None:
    from safepassage.analysis.models import VictimList

    vault = hold_ceremony(org)
    with using_keyring(vault.keyring):
        source = VictimList.objects.create(name="Novaya Gazeta, April 2017")
    record(org.outsider, "analysis.list_imported", source, rows=3, skipped=0)
    sign_in(client, org.auditor)
    table = _table(client)
    assert f"list “{source.pk.hex[:8]}”" in table
    assert "Novaya Gazeta" not in table
    # An analyst's role without the documentation keys: the name stays sealed.
    RoleGrant.objects.create(user=org.auditor, role=Role.ANALYST)
    sign_in(client, org.auditor)
    assert "Novaya Gazeta" not in _table(client)
    vault_keys.grant(vault.keyring, "documentation", org.auditor.pk, by="cli")
    sign_in(client, org.auditor)
    assert "list “Novaya Gazeta, April 2017”" in _table(client)


def test_runs_of_pairs_shown_are_one_line(org: Organisation, client: Client) -> None:
    record(org.outsider, "analysis.pair_shown", OTHER_RUN, first="a", second="b")
    for n in range(25):
        record(org.outsider, "analysis.pair_shown", RUN, first=f"r{n}", second=f"s{n}")
    sign_in(client, org.auditor)
    html = _page(client)
    assert html.count("Showed 25 pairs for review") == 1
    # The single pair of the other run stays a line of its own...
    assert "Showed a pair for review" in html
    # ...and every entry is still in the chain, and listed in the run's line.
    assert AuditEntry.objects.filter(action="analysis.pair_shown").count() == 26
    assert "first record: r0" in html
    assert "first record: r24" in html


def test_a_run_ends_at_a_pause(org: Organisation, client: Client) -> None:
    with time_machine.travel(datetime(2026, 3, 1, 10, 0, tzinfo=UTC), tick=False):
        for _n in range(3):
            record(org.outsider, "analysis.pair_shown", RUN, first="a", second="b")
    with time_machine.travel(datetime(2026, 3, 1, 10, 30, tzinfo=UTC), tick=False):
        for _n in range(2):
            record(org.outsider, "analysis.pair_shown", RUN, first="a", second="b")
    sign_in(client, org.auditor)
    html = _page(client)
    assert "Showed 3 pairs for review" in html
    assert "Showed 2 pairs for review" in html


def test_a_run_is_not_cut_by_the_end_of_a_page(org: Organisation, client: Client) -> None:
    for _n in range(PAGE_SIZE + 20):
        record(org.outsider, "analysis.pair_shown", RUN, first="a", second="b")
    sign_in(client, org.auditor)
    html = _page(client)
    assert f"Showed {PAGE_SIZE + 20} pairs for review" in html


def test_filters_narrow_the_list(org: Organisation, client: Client) -> None:
    record(org.admin, "staff.created", org.caseworker)
    record(None, "auth.login_failed", org.caseworker, outcome="failed", factor="password")
    record(org.coordinator, "auth.login", org.coordinator)
    sign_in(client, org.auditor)
    html = _table(client, action="auth.", outcome="failed")
    assert "Failed login" in html
    assert "Added a staff member" not in html
    html = _table(client, action="auth.login")
    assert "Logged in" in html
    assert "Failed login" not in html
    html = _table(client, actor=f"user:{org.admin.pk}")
    assert "Added a staff member" in html
    assert "Logged in" not in html
    html = _table(client, target=f"user:{org.caseworker.pk}")
    assert "Added a staff member" in html
    assert "Failed login" in html
    assert "Logged in" not in html
    html = _page(client, target=f"user:{org.caseworker.pk}")
    assert f"Only entries about Staff member {org.caseworker.pk}." in html


def test_dates_narrow_the_list(org: Organisation, client: Client) -> None:
    with time_machine.travel(datetime(2026, 1, 10, 12, 0, tzinfo=UTC), tick=False):
        record(org.admin, "team.created", org.team)
    with time_machine.travel(datetime(2026, 2, 10, 12, 0, tzinfo=UTC), tick=False):
        record(org.admin, "team.members_changed", org.team)
    sign_in(client, org.auditor)
    html = _table(client, since="2026-02-01", until="2026-02-28")
    assert "Changed a team&#x27;s members" in html
    assert "Created a team" not in html


def test_a_bad_filter_is_reported(org: Organisation, client: Client) -> None:
    sign_in(client, org.auditor)
    response = client.get("/audit/", {"since": "not a date"})
    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()
    response = client.get("/audit/", {"since": "2026-02-10", "until": "2026-02-01"})
    assert response.status_code == 400
    assert "The end date is before the start date." in response.content.decode()


def test_pages_go_back_by_position(org: Organisation, client: Client) -> None:
    for n in range(120):
        record("cli", "test.entry", number=n)
    sign_in(client, org.auditor)
    seen: list[int] = []
    response = client.get("/audit/", {"action": "test.entry"})
    while True:
        page = response.context["page"]
        seen += [row.seq for row in page.rows]
        if page.older is None:
            break
        response = client.get("/audit/", {"action": "test.entry", "before": page.older})
    assert seen == list(range(120, 0, -1))
    newer = client.get("/audit/", {"action": "test.entry", "after": 50}).context["page"]
    assert [row.seq for row in newer.rows] == list(range(100, 50, -1))


def test_the_table_stacks_on_a_phone(org: Organisation, client: Client) -> None:
    record(org.admin, "staff.created", org.caseworker, roles=["caseworker"])
    for _n in range(3):
        record(org.outsider, "analysis.pair_shown", RUN, first="a", second="b")
    sign_in(client, org.auditor)
    html = _page(client)
    assert '<table class="responsive audit">' in html
    cells = _cells(html.split("<tbody>", 1)[1])
    assert cells
    assert all("data-label=" in cell for cell in cells)


def test_others_get_404(org: Organisation, client: Client) -> None:
    for user in (org.admin, org.coordinator, org.caseworker):
        sign_in(client, user)
        assert client.get("/audit/").status_code == 404
        assert client.post("/audit/full-check/").status_code == 404


def test_details_read_as_words_in_the_readers_language(org: Organisation, client: Client) -> None:
    record(None, "auth.login_failed", org.caseworker, outcome="failed", factor="password")
    record(org.coordinator, "auth.login", org.coordinator, factor="totp")
    record(org.coordinator, "auth.logout", org.coordinator, reason="idle")
    sign_in(client, org.auditor)
    table = _table(client)
    assert "with: authenticator app" in table
    assert "reason: idle too long" in table
    for raw in ("factor:", "totp", "reason: idle<", "chain_ok"):
        assert raw not in table
    client.cookies["django_language"] = "ru"
    table = _table(client)
    for raw in ("totp", "factor", "idle"):
        assert raw not in table
    # Times as every page shows them: the day in words, then the time.
    assert re.search(r"\d{1,2} [а-я]+ \d{4}, \d\d:\d\d:\d\d", table)


def test_a_place_in_the_log_alone_leaves_the_filters_closed(
    org: Organisation, client: Client
) -> None:
    record(org.admin, "staff.created", org.caseworker)
    sign_in(client, org.auditor)
    assert '<details class="filters" open>' not in _page(client, before=999)
    assert '<details class="filters" open>' in _page(client, before=999, action="staff.created")
