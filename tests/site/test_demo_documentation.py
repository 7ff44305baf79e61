"""The demo's invented documentation: two waves of detentions with their
victims, perpetrator units, sources of every kind and reliability,
interventions, statements that deny, confirm or promise, and promises
followed up, in three languages and with names nobody could take for real
ones; and counting from it makes lists."""

from __future__ import annotations

import pytest

from safepassage.analysis.handover import count_from_documentation
from safepassage.documentation.models import (
    Act,
    CommitmentChange,
    Event,
    Information,
    Intervention,
    Involvement,
    Person,
    Statement,
    StatementLink,
)
from safepassage.site import demo_texts
from safepassage.site.demo_documentation import load_documentation
from safepassage.vault.keyring import using_keyring
from tests.base import Vault, keyring_of
from tests.documentation import conftest as documentation_desk
from tests.documentation.conftest import Desk

desk = documentation_desk.desk


@pytest.mark.django_db
def test_it_builds_two_waves_of_detentions_with_everything_around_them(
    desk: Desk, vault: Vault
) -> None:
    team = desk.org.other_team
    with using_keyring(vault.keyring):
        made = load_documentation(desk.documenter, team)
        assert load_documentation(desk.documenter, team) is None  # once only
        assert made is not None
        assert made.events == Event.objects.count() >= 100
        assert made.acts == Act.objects.count() >= 300
        starts = sorted(Event.objects.values_list("start_on", flat=True))
        assert starts[0].year == 2017
        assert starts[-1].year == 2019
        codes = set(Act.objects.values_list("act_type__code", flat=True))
        assert {"L-ARBITRARY-DETENTION", "L-SECRET-DETENTION", "020111110000"} <= codes
        assert Act.objects.filter(victim__kind="group").exists()
        verification = set(Act.objects.values_list("verification", flat=True))
        assert verification == {"reported", "corroborated", "verified"}
        units = {str(i.unit) for i in Involvement.objects.exclude(unit_sealed=None)}
        assert units <= set(demo_texts.UNITS)
        assert len(units) == len(demo_texts.UNITS)
        connections = set(Information.objects.values_list("connection__code", flat=True))
        assert connections == {
            "010100000000",  # the victim
            "010200000000",  # a witness
            "L-FELLOW-DETAINEE",
            "020101000000",  # a relative
            "L-FRIEND-OF-VICTIM",
            "040100000000",  # a lawyer
            "040200000000",  # a doctor
            "030100000000",  # the press
            "040401000000",  # an NGO
            "L-OFFICIAL-RECORD",
        }
        reliability = set(Information.objects.values_list("reliability__code", flat=True))
        assert len(reliability) == 6
        languages = set(Information.objects.values_list("language__code", flat=True))
        assert {"ru", "en", "fr", "ce"} <= languages
        assert Intervention.objects.count() == 30
        stances = set(Statement.objects.values_list("stance__code", flat=True))
        assert {"L-DENIES", "L-CONFIRMS", "L-PROMISES"} <= stances
        assert StatementLink.objects.count() == 4 * Statement.objects.count()
        assert CommitmentChange.objects.count() == 5
        titles = [str(e.title) for e in Event.objects.all()]
        assert all(t.startswith(("(Демо)", "(Demo)", "(Démo)")) for t in titles)
        assert {t[:6] for t in titles} == {"(Демо)", "(Demo)", "(Démo)"}
        # Every individual victim bears an invented surname.
        surnames = [s for pair in demo_texts.SURNAMES for s in pair]
        victims = Person.objects.filter(acts__isnull=False, kind="individual").distinct()
        assert all(any(s in str(p.name) for s in surnames) for p in victims)
        assert Event.objects.filter(confidentiality="restricted").exists()


@pytest.mark.django_db
def test_counting_from_the_demo_makes_lists(desk: Desk, vault: Vault) -> None:
    with using_keyring(vault.keyring):
        load_documentation(desk.documenter, None)
    with using_keyring(keyring_of(desk.documenter)):
        every = count_from_documentation(desk.documenter)
        verified = count_from_documentation(desk.documenter, scope="verified")
        summary = every.summary
    assert every.lists.count() >= 8  # three papers, two NGOs, an office, kinds of witness
    assert every.records > 200
    assert 0 < verified.records < every.records
    categories = {row["code"]: row for row in summary["categories"]}
    assert categories["030000000000"]["unit"] == "victim"
    assert min(categories["030000000000"][s] for s in ("verified", "reported")) > 0
    assert summary["decisions"] > 0
