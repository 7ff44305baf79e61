"""Counting from our documentation: documented victims become victim
lists, one per source, without export and import; killings and detentions
are counted per victim and other acts per act; verified and unverified
acts are counted apart; only what the person counting may read, and no
restricted event, reaches the lists; the documentation's own word on who
is whom goes with them; it is audited."""

from __future__ import annotations

import datetime as dt
import itertools
import uuid

import pytest
from django.conf import settings
from django.http import Http404
from django.test import Client
from django.urls import reverse

from safepassage.accounts.models import User
from safepassage.accounts.roles import Role
from safepassage.analysis.handover import CountRefused, count_from_documentation
from safepassage.analysis.importing import import_list
from safepassage.analysis.models import (
    DocumentationCount,
    LinkDecision,
    Same,
    VictimList,
    VictimRecord,
)
from safepassage.analysis.runs import clusters_at, decisions_for
from safepassage.audit.models import AuditEntry
from safepassage.documentation import actions, people, sources
from safepassage.documentation.models import Act, Event, Person
from safepassage.documentation.precision import FuzzyDate, Place
from safepassage.vault import keys as vault_keys
from safepassage.vault.keyring import using_keyring
from tests.base import Vault, comparable, keyring_of, make_user, sign_in
from tests.documentation import conftest as documentation_desk
from tests.documentation.conftest import Desk, term

# The documentation's fixture: documenters with and without the keys.
desk = documentation_desk.desk

WITNESS = "010200000000"
VICTIM_ITSELF = "010100000000"
MEDIA = "030100000000"
DETENTION = "L-ARBITRARY-DETENTION"
THREAT = "020103010100"


class Documentation:
    """A documenter's records, made through the named actions."""

    def __init__(self, by: User) -> None:
        self.by = by

    def person(self, name: str, kind: str = "individual", **values: object) -> Person:
        return people.record_person(self.by, name=name, kind=kind, **values)

    def event(self, start: str = "2017-03-26", confidentiality: str = "compartment") -> Event:
        return actions.record_event(
            self.by,
            title="Detentions at a checkpoint",
            start=FuzzyDate.parse(start),
            place=Place.of("district", term("place", "L-RU-CE-ARGUN")),
            confidentiality=confidentiality,
        )

    def act(
        self,
        event: Event,
        victim: Person,
        *told_by: tuple[Person, str],
        act_type: str = DETENTION,
        verification: str = "reported",
        start: str | None = None,
    ) -> Act:
        act = actions.record_act(
            self.by,
            event=event,
            victim=victim,
            act_type=term("act_type", act_type),
            verification=verification,
            start=FuzzyDate.parse(start) if start else None,
        )
        for source, connection in told_by:
            sources.record_information(
                self.by,
                event=event,
                act=act,
                source=source,
                connection=term("source_connection", connection),
                reliability=term("reliability", "020000000000"),
            )
        return act


def records_by_list(count_lists: list[VictimList]) -> dict[str, list[dict]]:
    return {
        str(item.name): [entry.data for entry in item.records.order_by("row")]
        for item in count_lists
    }


@pytest.fixture
def documented(desk: Desk, vault: Vault) -> Documentation:
    return Documentation(desk.documenter)


@pytest.mark.django_db
def test_it_makes_one_list_per_source_organisation_and_kind_of_source(
    desk: Desk, documented: Documentation
) -> None:
    with using_keyring(desk.vault.keyring):
        gazette = documented.person("The Demo Gazette", kind="organisation")
        witness = documented.person("Witness W-1")
        first = documented.person("Умаров Магомед", born="1987")
        second = documented.person("Кадырова Хеда")
        event = documented.event()
        documented.act(event, first, (witness, WITNESS), (gazette, MEDIA))
        documented.act(event, second, (second, VICTIM_ITSELF), (gazette, MEDIA))
    with using_keyring(keyring_of(desk.documenter)):
        count = count_from_documentation(desk.documenter)
        made = records_by_list(list(count.lists.all()))
    assert sorted(made) == [
        "The Demo Gazette · documented, every act (count 1)",
        "Victim him/herself · documented, every act (count 1)",
        "Witness · documented, every act (count 1)",
    ]
    gazette_list = made["The Demo Gazette · documented, every act (count 1)"]
    assert sorted(entry["name"] for entry in gazette_list) == ["Кадырова Хеда", "Умаров Магомед"]
    umarov = next(entry for entry in gazette_list if entry["name"] == "Умаров Магомед")
    assert umarov["birth"] == "1987"
    assert umarov["place"] == "Argun"
    assert umarov["event_date"] == "2017-03-26"
    assert umarov["act"] == "Violations against the right to liberty"
    assert umarov["verification"] == "reported"
    assert count.acts == 2
    assert count.records == 4
    # The lists are ordinary lists: their names are sealed like imported ones.
    assert VictimList.objects.filter(documentation_count=count).count() == 3


@pytest.mark.django_db
def test_it_counts_killings_and_detentions_per_victim_and_other_acts_per_act(
    desk: Desk, documented: Documentation
) -> None:
    with using_keyring(desk.vault.keyring):
        witness = documented.person("Witness W-1")
        victim = documented.person("Умаров Магомед")
        group = documented.person("Twelve men from Argun", kind="group", group_size=12)
        spring, winter = documented.event("2017-03-26"), documented.event("2019-01-10")
        # Detained in both waves: one victim of detention.
        documented.act(spring, victim, (witness, WITNESS))
        documented.act(winter, victim, (witness, WITNESS), act_type="L-SECRET-DETENTION")
        # Threatened twice: two threats.
        documented.act(spring, victim, (witness, WITNESS), act_type=THREAT)
        documented.act(winter, victim, (witness, WITNESS), act_type=THREAT)
        # A group detained: twelve victims, on no list (no name to link).
        documented.act(spring, group, (witness, WITNESS))
        # A group threatened: one act.
        documented.act(spring, group, (witness, WITNESS), act_type=THREAT)
    with using_keyring(keyring_of(desk.documenter)):
        count = count_from_documentation(desk.documenter)
        summary = count.summary
        made = records_by_list(list(count.lists.all()))
    categories = {row["code"]: row for row in summary["categories"]}
    assert categories["030000000000"]["unit"] == "victim"
    assert categories["030000000000"]["reported"] == 13
    assert categories["020000000000"]["unit"] == "act"
    assert categories["020000000000"]["reported"] == 3
    assert summary["not_listed"] == 13  # twelve detained, one threat, in a group
    (witness_list,) = made.values()
    assert sorted(entry["act"] for entry in witness_list) == [
        "Violations against personal integrity",
        "Violations against personal integrity",
        "Violations against the right to liberty",
    ]
    detention = next(e for e in witness_list if e["act"].endswith("liberty"))
    assert len(detention["acts"]) == 2
    assert detention["event_date"] == "2017-03-26"  # the first of them


@pytest.mark.django_db
def test_it_counts_verified_and_unverified_acts_apart(
    desk: Desk, documented: Documentation
) -> None:
    with using_keyring(desk.vault.keyring):
        witness = documented.person("Witness W-1")
        event = documented.event()
        for number, status in enumerate(["verified", "verified", "corroborated", "reported"]):
            victim = documented.person(f"Victim {number}")
            documented.act(event, victim, (witness, WITNESS), verification=status)
        # A victim with one verified detention and one reported: verified.
        both = documented.person("Victim both")
        documented.act(event, both, (witness, WITNESS), verification="reported")
        documented.act(
            documented.event("2017-04"), both, (witness, WITNESS), verification="verified"
        )
    with using_keyring(keyring_of(desk.documenter)):
        every = count_from_documentation(desk.documenter)
        verified = count_from_documentation(desk.documenter, scope="verified")
        every_records = records_by_list(list(every.lists.all()))
        verified_records = records_by_list(list(verified.lists.all()))
        every_summary, verified_summary = every.summary, verified.summary
        verified_name = str(verified.lists.get().name)
    (row,) = every_summary["categories"]
    assert (row["verified"], row["corroborated"], row["reported"]) == (3, 1, 1)
    (row,) = verified_summary["categories"]
    assert (row["verified"], row["corroborated"], row["reported"]) == (3, 0, 0)
    (every_list,) = every_records.values()
    (verified_list,) = verified_records.values()
    assert sorted(e["verification"] for e in every_list) == [
        "corroborated",
        "reported",
        "verified",
        "verified",
        "verified",
    ]
    assert sorted(e["name"] for e in verified_list) == ["Victim 0", "Victim 1", "Victim both"]
    assert all(e["verification"] == "verified" for e in verified_list)
    # Only the verified act of "Victim both" is in the verified count.
    assert next(e for e in verified_list if e["name"] == "Victim both")["event_date"] == "2017-04"
    assert every.acts == 6
    assert verified.acts == 3
    assert verified_name == "Witness · documented, verified acts (count 2)"


@pytest.mark.django_db
def test_it_takes_the_period_and_the_act_types_asked(desk: Desk, documented: Documentation) -> None:
    with using_keyring(desk.vault.keyring):
        witness = documented.person("Witness W-1")
        victim = documented.person("Умаров Магомед")
        other = documented.person("Алиев Руслан")
        spring, winter = documented.event("2017-03-late"), documented.event("2019-01")
        documented.act(spring, victim, (witness, WITNESS))
        documented.act(winter, other, (witness, WITNESS))
        documented.act(spring, other, (witness, WITNESS), act_type=THREAT)
        unknown = documented.event("unknown")
        documented.act(unknown, victim, (witness, WITNESS), act_type=THREAT)
    with using_keyring(keyring_of(desk.documenter)):
        # "Late March 2017" meets a period from 29 March to 2 April.
        spring_only = count_from_documentation(
            desk.documenter, period_from=dt.date(2017, 3, 29), period_to=dt.date(2017, 4, 2)
        )
        # "Violations against the right to liberty" takes the detentions below it.
        liberty = count_from_documentation(
            desk.documenter, act_types=[term("act_type", "030000000000")]
        )
        with pytest.raises(CountRefused):
            count_from_documentation(desk.documenter, period_from=dt.date(2020, 1, 1))
        with pytest.raises(CountRefused):
            count_from_documentation(
                desk.documenter, period_from=dt.date(2018, 1, 1), period_to=dt.date(2017, 1, 1)
            )
    assert spring_only.acts == 2  # the detention and the threat; no unknown date
    assert liberty.acts == 2
    assert liberty.act_types == ["030000000000"]


@pytest.mark.django_db
def test_it_hands_over_what_the_documentation_knows_of_who_is_whom(
    desk: Desk, documented: Documentation
) -> None:
    with using_keyring(desk.vault.keyring):
        gazette = documented.person("The Demo Gazette", kind="organisation")
        witness = documented.person("Witness W-1")
        victim = documented.person("Умаров Магомед")
        spring, winter = documented.event("2017-03-26"), documented.event("2019-01-10")
        documented.act(spring, victim, (witness, WITNESS), (gazette, MEDIA))
        documented.act(winter, victim, (gazette, MEDIA), act_type="L-SECRET-DETENTION")
        documented.act(spring, victim, (witness, WITNESS), (gazette, MEDIA), act_type=THREAT)
        documented.act(winter, victim, (gazette, MEDIA), act_type=THREAT)
    with using_keyring(keyring_of(desk.documenter)):
        count = count_from_documentation(desk.documenter)
        lists = list(count.lists.all())
        names = {item.pk: str(item.name) for item in lists}
    entries = list(VictimRecord.objects.filter(victim_list__in=lists).order_by("pk"))
    assert len(entries) == 5  # the detentions twice, the spring threat twice, the winter one
    decisions = decisions_for(lists)
    assert count.summary["decisions"] == len(decisions) == LinkDecision.objects.count()
    assert sorted(decisions.values()).count(Same.SAME) == 2
    # Say linkage joined every record with every other (the same name
    # everywhere): the documentation's word keeps the units apart, one
    # victim of detention and two threats.
    ids = [str(entry.pk) for entry in entries]
    result = {
        "ids": ids,
        "lists": [names[entry.victim_list_id] for entry in entries],
        "pairs": [[a, b, 0.99] for a, b in itertools.combinations(range(len(ids)), 2)],
    }
    assert len(set(clusters_at(result, decisions, 0.5).tolist())) == 3
    assert set(LinkDecision.objects.values_list("decided_by", flat=True)) == {desk.documenter.pk}


@pytest.mark.django_db
def test_it_counts_only_what_may_be_read_and_no_restricted_event(
    desk: Desk, documented: Documentation
) -> None:
    with using_keyring(desk.vault.keyring):
        witness = documented.person("Witness W-1")
        documented.act(documented.event(), documented.person("Open Victim"), (witness, WITNESS))
        hidden = documented.event(confidentiality="restricted")
        documented.act(hidden, documented.person("Hidden Victim"), (witness, WITNESS))
    with using_keyring(keyring_of(desk.documenter)):
        own = count_from_documentation(desk.documenter)
        own_records = records_by_list(list(own.lists.all()))
        own_summary = own.summary
    with using_keyring(keyring_of(desk.colleague)):
        others = count_from_documentation(desk.colleague)
        others_summary = others.summary
    (entries,) = own_records.values()
    assert [e["name"] for e in entries] == ["Open Victim"]
    assert own_summary["restricted"] == 1  # the documenter may see it: told it was left out
    assert others_summary["restricted"] == 0  # the colleague may not: not even told
    assert own.acts == others.acts == 1


@pytest.mark.django_db
def test_it_refuses_those_without_the_keys_or_the_rights_with_the_same_404(
    desk: Desk, documented: Documentation, vault: Vault
) -> None:
    # An analyst makes lists and holds the keys, but does not read the documentation.
    analyst = make_user("analyst-two", Role.ANALYST)
    vault_keys.grant(vault.keyring, "documentation", analyst.pk, by="cli")
    with using_keyring(desk.vault.keyring):
        witness = documented.person("Witness W-1")
        documented.act(documented.event(), documented.person("Victim"), (witness, WITNESS))
    for user in (desk.keyless, desk.org.outsider, analyst):
        denied = AuditEntry.objects.filter(action="access.denied", actor=f"user:{user.pk}")
        with using_keyring(keyring_of(user)), pytest.raises(Http404):
            count_from_documentation(user)
        assert denied.count() == 1
    assert not VictimList.objects.exists()


@pytest.mark.django_db
def test_it_is_audited(desk: Desk, documented: Documentation) -> None:
    with using_keyring(desk.vault.keyring):
        witness = documented.person("Witness W-1")
        documented.act(documented.event(), documented.person("Victim"), (witness, WITNESS))
    with using_keyring(keyring_of(desk.documenter)):
        count = count_from_documentation(desk.documenter)
    entry = AuditEntry.objects.filter(action="analysis.counted_from_documentation").get()
    assert entry.actor == f"user:{desk.documenter.pk}"
    assert entry.target.endswith(str(count.pk))
    assert entry.details == {"scope": "all", "acts": 1, "lists": 1, "records": 1, "decisions": 0}


# --- The pages -----------------------------------------------------------------------


def _two_sources(desk: Desk, documented: Documentation) -> None:
    with using_keyring(desk.vault.keyring):
        gazette = documented.person("The Demo Gazette", kind="organisation")
        witness = documented.person("Witness W-1")
        event = documented.event()
        documented.act(event, documented.person("Умаров Магомед"), (witness, WITNESS))
        documented.act(event, documented.person("Кадырова Хеда"), (gazette, MEDIA))


@pytest.mark.django_db
def test_a_documenter_counts_from_the_page_and_an_analyst_links_the_lists(
    desk: Desk, documented: Documentation, vault: Vault
) -> None:
    _two_sources(desk, documented)
    client = Client()
    sign_in(client, desk.documenter)
    home = client.get(reverse("analysis:home")).content.decode()
    assert "Count from our documentation" in home
    assert 'action="/analysis/counts/"' in home
    liberty = term("act_type", "030000000000")
    response = client.post(
        reverse("analysis:count_start"),
        {"scope": "all", "act_types": [str(liberty.pk)], "period_from": "2017-01-01"},
    )
    count = DocumentationCount.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("analysis:count", args=[count.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Count 1 from our documentation" in page
    assert "Violations against the right to liberty" in page
    assert "per victim" in page
    assert "The Demo Gazette · documented, every act (count 1)" in page
    assert "Link these lists" not in page  # documenters do not run linkage
    assert "Next, an analyst links these lists" in page  # but they are told who does
    assert (
        f'href="/analysis/counts/{count.pk}/"'
        in client.get(reverse("analysis:home")).content.decode()
    )
    # An analyst holds the keys but does not read the documentation: no
    # counting, but the count's page and its lists, ready to link.
    analyst = make_user("analyst-two", Role.ANALYST)
    vault_keys.grant(vault.keyring, "documentation", analyst.pk, by="cli")
    other = Client()
    sign_in(other, analyst)
    assert 'action="/analysis/counts/"' not in other.get(reverse("analysis:home")).content.decode()
    page = other.get(reverse("analysis:count", args=[count.pk])).content.decode()
    assert "Link these lists" in page
    assert "Next, an analyst links" not in page
    for item in count.lists.all():
        assert f'name="lists" value="{item.pk}"' in page


def _reader(user: User, language: str) -> Client:
    client = Client()
    sign_in(client, user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def test_the_lists_of_a_count_are_named_in_the_readers_language(
    transactional_audit: None, desk: Desk, documented: Documentation, vault: Vault
) -> None:
    # Real commits: the run started from its page works on a thread of
    # its own, which must see the lists.
    _two_sources(desk, documented)
    # Counted by a documenter who reads English, from the page.
    english = _reader(desk.documenter, "en")
    english.post(reverse("analysis:count_start"), {"scope": "all"})
    count = DocumentationCount.objects.get()
    witness = term("source_connection", WITNESS)
    # The stored names stay what the command line finds the lists by.
    with using_keyring(keyring_of(desk.documenter)):
        assert sorted(str(item.name) for item in count.lists.all()) == [
            "The Demo Gazette · documented, every act (count 1)",
            "Witness · documented, every act (count 1)",
        ]
    # An analyst who reads Russian sees them named in Russian everywhere.
    analyst = make_user("analyst-ru", Role.ANALYST)
    vault_keys.grant(vault.keyring, "documentation", analyst.pk, by="cli")
    russian = _reader(analyst, "ru")
    page = russian.get(reverse("analysis:count", args=[count.pk])).content.decode()
    assert f"{witness.label_ru} · документация, все действия (подсчёт 1)" in page
    assert "The Demo Gazette · документация, все действия (подсчёт 1)" in page
    assert "documented, every act" not in page
    home = russian.get(reverse("analysis:home")).content.decode()
    assert f"{witness.label_ru} · документация, все действия (подсчёт 1)" in home
    assert "documented, every act" not in home
    # The lists linked: the run's page names them in Russian too.
    lists = [str(item.pk) for item in count.lists.all()]
    started = russian.post(
        reverse("analysis:run_start"),
        {"lists": lists, "threshold": "0.5", "reference_year": "2017"},
    )
    assert started.status_code == 302
    run = russian.get(started["Location"]).content.decode()
    assert f"{witness.label_ru} · документация, все действия (подсчёт 1)" in run
    assert "documented, every act" not in run
    # And in French for a reader of French.
    french = _reader(analyst, "fr")
    page = french.get(reverse("analysis:count", args=[count.pk])).content.decode()
    assert f"{witness.label_fr} · documentation, tous les actes (décompte 1)" in page
    assert "documented, every act" not in page


@pytest.mark.django_db
def test_a_count_made_in_russian_stores_english_names_told_apart_from_imported_ones(
    desk: Desk, documented: Documentation
) -> None:
    _two_sources(desk, documented)
    # A list imported by hand under the name a count would give.
    import_list(
        ("list.csv", "Name\nДемоев Ахмед\n".encode()),
        "Witness · documented, verified acts (count 1)",
        {"name": "Name"},
    )
    with using_keyring(desk.vault.keyring):
        for act in Act.objects.all():
            actions.change_act(
                act, by=desk.documenter, version=act.version, verification="verified"
            )
    russian = _reader(desk.documenter, "ru")
    russian.post(reverse("analysis:count_start"), {"scope": "verified"})
    count = DocumentationCount.objects.get()
    with using_keyring(keyring_of(desk.documenter)):
        assert sorted(str(item.name) for item in count.lists.all()) == [
            "The Demo Gazette · documented, verified acts (count 1)",
            "Witness · documented, verified acts (count 1) (2)",
        ]
    witness = term("source_connection", WITNESS).label_ru
    page = russian.get(reverse("analysis:count", args=[count.pk])).content.decode()
    assert f"{witness} · документация, проверенные действия (подсчёт 1) (2)" in page
    assert "The Demo Gazette · документация, проверенные действия (подсчёт 1)" in page
    home = russian.get(reverse("analysis:home")).content.decode()
    # The imported list keeps the name it was given.
    assert "Witness · documented, verified acts (count 1)" in home


@pytest.mark.django_db
def test_a_count_refused_says_why_and_keeps_what_was_chosen(
    desk: Desk, documented: Documentation
) -> None:
    _two_sources(desk, documented)
    client = Client()
    sign_in(client, desk.documenter)
    backwards = client.post(
        reverse("analysis:count_start"),
        {"scope": "verified", "period_from": "2018-01-01", "period_to": "2017-01-01"},
    )
    assert backwards.status_code == 400
    assert "The end of the period is before its start." in backwards.content.decode()
    assert 'value="2018-01-01"' in backwards.content.decode()
    nothing = client.post(reverse("analysis:count_start"), {"scope": "verified"})
    assert nothing.status_code == 400
    assert "No documented act matches: nothing was counted." in nothing.content.decode()
    assert not DocumentationCount.objects.exists()


@pytest.mark.django_db
def test_a_count_is_the_same_404_to_those_who_may_not_read_it(
    desk: Desk, documented: Documentation
) -> None:
    _two_sources(desk, documented)
    with using_keyring(keyring_of(desk.documenter)):
        count = count_from_documentation(desk.documenter)
    for user in (desk.org.outsider, desk.keyless):
        client = Client()
        sign_in(client, user)
        present = client.get(reverse("analysis:count", args=[count.pk]))
        missing = client.get(reverse("analysis:count", args=[uuid.uuid4()]))
        assert present.status_code == missing.status_code == 404
        assert comparable(present) == comparable(missing)
        started = client.post(reverse("analysis:count_start"), {"scope": "all"})
        assert started.status_code == 404
    assert DocumentationCount.objects.count() == 1
