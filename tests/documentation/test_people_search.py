"""Finding people by name: only the people one may see (those in a
restricted event follow it), in a number of queries that does not grow
with the people found."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from safepassage.documentation import access, actions, people
from safepassage.vault import keys as vault_keys
from safepassage.vault.keyring import using_keyring
from tests.base import keyring_of, make_user
from tests.documentation.conftest import Desk, record_detention, term


def _names(found: list) -> list[str]:
    return sorted(str(p.name) for p in found)


@pytest.mark.django_db
def test_a_search_shows_only_the_people_one_may_see(desk: Desk) -> None:
    role = desk.documenter.role_grants.get().role
    in_team = make_user("in-team", role, teams=(desk.org.team,))
    vault_keys.grant(desk.vault.keyring, "documentation", in_team.pk, by="cli")
    with using_keyring(desk.vault.keyring):
        record_detention(desk.documenter, victim="Umarov Hidden", confidentiality="restricted")
        record_detention(
            desk.documenter,
            victim="Umarov Shared",
            confidentiality="restricted",
            teams=[desk.org.team],
        )
        both = record_detention(
            desk.documenter, victim="Umarov Both", confidentiality="restricted"
        ).victim
        open_event = record_detention(desk.documenter, victim="Umarov Open").event
        actions.record_act(
            desk.documenter,
            event=open_event,
            victim=both,
            act_type=term("act_type", "020111110000"),
        )
        people.record_person(desk.colleague, name="Umarov Nowhere")
    expected = {
        desk.documenter: [
            "Umarov Both",
            "Umarov Hidden",
            "Umarov Nowhere",
            "Umarov Open",
            "Umarov Shared",
        ],
        in_team: ["Umarov Both", "Umarov Nowhere", "Umarov Open", "Umarov Shared"],
        desk.stranger: ["Umarov Both", "Umarov Nowhere", "Umarov Open"],
    }
    for user, names in expected.items():
        with using_keyring(keyring_of(user)):
            found = people.find_people(user, "Umarov", cutoff=50)
            assert _names(found) == names
            # The rule for one person is the rule for many.
            for person in found:
                assert access.can_see_person(user, person)


@pytest.mark.django_db
def test_a_search_takes_the_same_queries_for_few_people_or_many(desk: Desk) -> None:
    def queries(count: int) -> int:
        with using_keyring(keyring_of(desk.documenter)):
            with CaptureQueriesContext(connection) as captured:
                found = people.find_people(desk.documenter, "Magomed Umarov", cutoff=50)
            assert len(found) == count
        return len(captured.captured_queries)

    with using_keyring(desk.vault.keyring):
        for number in range(2):
            record_detention(desk.documenter, victim=f"Magomed Umarov {number}")
    few = queries(2)
    with using_keyring(desk.vault.keyring):
        for number in range(2, 12):
            record_detention(
                desk.colleague, victim=f"Magomed Umarov {number}", confidentiality="restricted"
            )
    some = queries(2)  # those in the colleague's restricted events stay hidden
    with using_keyring(desk.vault.keyring):
        for number in range(12, 32):
            record_detention(
                desk.colleague, victim=f"Magomed Umarov {number}", confidentiality="restricted"
            )
    many = queries(2)
    # The shards and the people, then who of them is in an event hidden
    # from the reader (and one's teams); once more, where some are, for who
    # of those is in another event too: whatever their number.
    assert many <= some <= few + 4
    assert few == 4
