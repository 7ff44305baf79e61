"""Controlled vocabularies: shipped as data with stable codes and labels in
three languages, nested up to five levels, versioned on every change,
terms retired and never deleted, records keeping the version they used,
and imports refused new terms unless asked."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.db.models import ProtectedError
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from safepassage.audit.models import AuditEntry
from safepassage.documentation import actions, vocabularies
from safepassage.documentation.fields import offer_terms
from safepassage.documentation.forms import EventFilterForm
from safepassage.documentation.models import (
    Term,
    TermsAreNeverDeleted,
    Vocabulary,
    VocabularyVersion,
)
from safepassage.documentation.models.vocabulary import MAX_DEPTH
from tests.base import sign_in
from tests.documentation.conftest import Desk, record_detention, term

CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)
SHIPPED = {
    "act_type",
    "perpetrator_type",
    "involvement_degree",
    "source_connection",
    "reliability",
    "stance",
    "sexual_orientation",
    "gender_identity",
    "gender_expression",
    "sex_characteristics",
    "victim_status",
    "place",
    "relationship",
    "chain_type",
    "intervention_type",
    "response",
    "language",
}


def labels(key: str) -> list[tuple[str, str, str]]:
    return list(
        Term.objects.filter(vocabulary__key=key).values_list("label_en", "label_ru", "label_fr")
    )


@pytest.mark.django_db
def test_it_ships_every_vocabulary_with_labels_in_three_languages() -> None:
    assert set(Vocabulary.objects.values_list("key", flat=True)) == SHIPPED
    for key in SHIPPED:
        found = labels(key)
        assert found, key
        assert all(en and ru and fr for en, ru, fr in found), key
        assert all(CYRILLIC.search(ru) for _en, ru, _fr in found), key
    every = [row for key in SHIPPED for row in labels(key)]
    assert sum(fr != en for en, _ru, fr in every) > 0.8 * len(every)
    vocabulary = Vocabulary.objects.get(key="act_type")
    assert vocabulary.standard.startswith("HURIDOCS Events Standard Formats")
    with translation.override("ru"):
        assert vocabulary.name() == "Виды действий"
        assert term("act_type", "020111110000").label() == "Пытки"
    with translation.override("fr"):
        assert term("act_type", "020111110000").label() == "Torture"
        assert term("act_type", "070102000000").label() == "Mariage forcé"


@pytest.mark.django_db
def test_it_keeps_the_standards_codes_and_this_regions_acts() -> None:
    # The acts: each is a term of the shipped vocabulary.
    for code in (
        "010101000000",  # killings
        "L-ARBITRARY-DETENTION",
        "020111110000",  # torture
        "L-ILL-TREATMENT",
        "L-ENFORCED-DISAPPEARANCE",
        "L-FORCED-OUTING",
        "020103010000",  # threats
        "130104000000",  # extortion
        "020102000000",  # sexual violence
        "070102000000",  # forced marriage
        "L-HONOUR-VIOLENCE",
    ):
        assert term("act_type", code)
    assert not term("act_type", "020111110000").local
    assert term("act_type", "L-FORCED-OUTING").local
    # This region's additions sit under the standard's headings.
    assert term("act_type", "L-ENFORCED-DISAPPEARANCE").parent.code == "030103000000"
    for code in ("010104000000", "010106000000", "010103000000", "L-RELATIVES", "990000000000"):
        assert term("perpetrator_type", code)
    for code in ("010200000000", "010100000000", "010500000000", "L-AIDED", "010600000000"):
        assert term("involvement_degree", code)


@pytest.mark.django_db
def test_vocabularies_nest_no_deeper_than_five_levels(desk: Desk) -> None:
    deepest = max(Term.objects.values_list("depth", flat=True))
    assert deepest <= MAX_DEPTH
    vocab = Vocabulary.objects.get(key="act_type")
    parent = None
    for level in range(1, MAX_DEPTH + 1):
        parent = vocabularies.add_term(
            vocab,
            parent=parent,
            labels={"en": f"L{level}", "ru": "Ур", "fr": "N"},
            by=desk.org.admin,
        )
    assert parent.depth == MAX_DEPTH
    with pytest.raises(vocabularies.VocabularyError, match="five levels"):
        vocabularies.add_term(
            vocab, parent=parent, labels={"en": "L6", "ru": "Ур", "fr": "N"}, by=desk.org.admin
        )


@pytest.mark.django_db
@pytest.mark.usefixtures("keys")
def test_each_change_is_a_new_version_and_records_keep_the_one_they_used(desk: Desk) -> None:
    vocab = Vocabulary.objects.get(key="act_type")
    assert vocab.version == 1
    first = record_detention(desk.documenter)
    assert first.act.vocabularies["act_type"] == 1
    added = vocabularies.add_term(
        vocab,
        parent=term("act_type", "020103000000"),
        labels={
            "en": "Forced video confession",
            "ru": "Принудительное видеопризнание",
            "fr": "Confession filmée forcée",
        },
        by=desk.org.admin,
    )
    assert added.code == "L-FORCED-VIDEO-CONFESSION"
    assert added.added_in == 2
    assert Vocabulary.objects.get(key="act_type").version == 2
    second = record_detention(desk.documenter, act_type="L-FORCED-VIDEO-CONFESSION")
    first.act.refresh_from_db()
    assert first.act.vocabularies["act_type"] == 1
    assert second.act.vocabularies["act_type"] == 2
    # Each version's terms can be told again.
    assert added not in Term.objects.in_version(1)
    assert added in Term.objects.in_version(2)
    version = VocabularyVersion.objects.get(vocabulary=vocab, number=2)
    assert version.changes == [{"change": "added", "code": "L-FORCED-VIDEO-CONFESSION"}]
    assert version.made_by == desk.org.admin
    entry = AuditEntry.objects.get(action="documentation.term_added")
    assert entry.details == {
        "vocabulary": "act_type",
        "term": "L-FORCED-VIDEO-CONFESSION",
        "revision": 2,
    }


@pytest.mark.django_db
@pytest.mark.usefixtures("keys")
def test_a_term_is_retired_never_deleted(desk: Desk) -> None:
    recorded = record_detention(desk.documenter, act_type="L-SECRET-DETENTION")
    secret = term("act_type", "L-SECRET-DETENTION")
    detention = term("act_type", "030102000000")
    retired = vocabularies.retire_term(detention, by=desk.org.admin)
    # The term and those below it, in one new version.
    assert {t.code for t in retired} == {
        "030102000000",
        "L-ARBITRARY-DETENTION",
        "L-SECRET-DETENTION",
    }
    assert Vocabulary.objects.get(key="act_type").version == 2
    with pytest.raises(TermsAreNeverDeleted):
        secret.delete()
    with pytest.raises(TermsAreNeverDeleted):
        Term.objects.filter(pk=secret.pk).delete()
    with pytest.raises(ProtectedError):
        # Even past the model's own refusal, records protect their terms.
        Term._base_manager.filter(pk=secret.pk).delete()
    # Not offered for new records; still read on the record that used it.
    offered = dict(vocabularies.choices("act_type"))
    assert secret.pk not in offered
    assert secret.pk in dict(vocabularies.choices("act_type", keep=[secret]))
    act = recorded.act
    act.refresh_from_db()
    assert act.act_type.label() == "Detention in an unofficial or secret place"
    # The record keeps it through an edit; a new record cannot choose it.
    assert actions.change_act(act, by=desk.documenter, version=act.version, method="Beaten.")
    with pytest.raises(actions.Refused, match="retired"):
        record_detention(desk.documenter, act_type="L-SECRET-DETENTION")
    assert AuditEntry.objects.get(action="documentation.term_retired").details["terms"] == 3


@pytest.mark.django_db
def test_renaming_keeps_the_code_and_the_labels_before(desk: Desk) -> None:
    outing = term("act_type", "L-FORCED-OUTING")
    before = outing.labels()
    vocabularies.rename_term(
        outing,
        labels={**before, "en": "Forced outing (disclosure of orientation or identity)"},
        by=desk.org.admin,
    )
    outing.refresh_from_db()
    assert outing.code == "L-FORCED-OUTING"
    assert outing.label("en").startswith("Forced outing (disclosure")
    change = VocabularyVersion.objects.get(vocabulary__key="act_type", number=2).changes[0]
    assert change == {"change": "renamed", "code": "L-FORCED-OUTING", "before": before}


@pytest.mark.django_db
def test_an_import_adds_no_term_unless_asked(desk: Desk) -> None:
    # Codes and labels in any of the three languages name terms.
    found = vocabularies.resolve("act_type", ["Пытки", "torture", "130104000000", "Mariage forcé"])
    assert {t.code for t in found.values()} == {"020111110000", "130104000000", "070102000000"}
    count = Term.objects.count()
    with pytest.raises(vocabularies.UnknownTerms) as refused:
        vocabularies.resolve("act_type", ["Пытки", "Kidnapping for ransom", "Made up"])
    assert refused.value.values == ["Kidnapping for ransom", "Made up"]
    assert "Nothing was added" in str(refused.value)
    assert Term.objects.count() == count
    assert Vocabulary.objects.get(key="act_type").version == 1
    # A retired term is refused like an unknown one: imported data is new data.
    vocabularies.retire_term(term("act_type", "030105000000"), by=desk.org.admin)
    with pytest.raises(vocabularies.UnknownTerms):
        vocabularies.resolve("act_type", ["House arrest"])
    # Asked to, it adds them, as one new version, audited.
    added = vocabularies.resolve(
        "act_type", ["Kidnapping for ransom", "Made up"], allow_new=True, by=desk.documenter
    )
    assert {t.code for t in added.values()} == {"L-KIDNAPPING-FOR-RANSOM", "L-MADE-UP"}
    assert all(t.added_in == 3 and t.depth == 1 and t.local for t in added.values())
    entry = AuditEntry.objects.get(action="documentation.terms_imported")
    assert entry.details == {"vocabulary": "act_type", "terms": 2, "revision": 3}


@pytest.mark.django_db
def test_loading_the_shipped_file_again_changes_nothing() -> None:
    versions = VocabularyVersion.objects.count()
    vocabularies.load_shipped(Vocabulary, VocabularyVersion, Term, vocabularies.shipped(1))
    assert VocabularyVersion.objects.count() == versions
    assert not Vocabulary.objects.exclude(version=1).exists()


@pytest.mark.django_db
def test_administrators_add_and_retire_terms_on_the_staff_page(desk: Desk) -> None:
    client = Client()
    sign_in(client, desk.org.admin)
    page = client.get("/documentation/vocabularies/act_type/")
    assert page.status_code == 200
    assert "L-FORCED-OUTING" in page.content.decode()
    response = client.post(
        "/documentation/vocabularies/act_type/",
        {
            "parent": term("act_type", "020103000000").pk,
            "label_en": "Forced video apology",
            "label_ru": "Принудительное видеоизвинение",
            "label_fr": "Excuses filmées forcées",
            "code": "",
        },
    )
    assert response.status_code == 302
    added = term("act_type", "L-FORCED-VIDEO-APOLOGY")
    assert added.depth == 4
    # A label missing in one language: refused, what was typed kept.
    refused = client.post(
        "/documentation/vocabularies/act_type/",
        {"parent": "", "label_en": "Half done", "label_ru": "", "label_fr": "À moitié"},
    )
    assert refused.status_code == 400
    assert "À moitié" in refused.content.decode()
    assert client.post(f"/documentation/terms/{added.pk}/retire/").status_code == 302
    added.refresh_from_db()
    assert added.retired
    renamed = client.post(
        f"/documentation/terms/{term('act_type', 'L-HUMILIATION').pk}/rename/",
        {
            "label_en": "Public humiliation",
            "label_ru": "Публичное унижение",
            "label_fr": "Humiliation en public",
        },
    )
    assert renamed.status_code == 302
    assert [
        e.action
        for e in AuditEntry.objects.filter(action__startswith="documentation.term").order_by("seq")
    ] == [
        "documentation.term_added",
        "documentation.term_retired",
        "documentation.term_renamed",
    ]


@pytest.mark.django_db
def test_documenters_browse_vocabularies_but_do_not_change_them(desk: Desk) -> None:
    client = Client()
    sign_in(client, desk.documenter)
    assert client.get("/documentation/vocabularies/").status_code == 200
    assert client.get("/documentation/vocabularies/sexual_orientation/").status_code == 200
    outing = term("act_type", "L-FORCED-OUTING")
    assert client.post(f"/documentation/terms/{outing.pk}/retire/").status_code == 404
    assert (
        client.post(
            "/documentation/vocabularies/act_type/",
            {"label_en": "X", "label_ru": "Икс", "label_fr": "X"},
        ).status_code
        == 404
    )
    outing.refresh_from_db()
    assert not outing.retired
    assert Vocabulary.objects.get(key="act_type").version == 1
    sign_in(client, desk.org.outsider)
    assert client.get("/documentation/vocabularies/").status_code == 404


@pytest.mark.django_db
def test_the_options_offered_follow_every_new_version_in_each_language(desk: Desk) -> None:
    """The options of a vocabulary are made once per version and language
    and kept; a term added, renamed or retired is a new version, so the
    next form offers it as it is now, and reading them again costs one
    query for every vocabulary of the form."""

    def offered(language: str = "en") -> dict[object, str]:
        with translation.override(language):
            return dict(vocabularies.choices("act_type"))

    before = offered()
    vocab = Vocabulary.objects.get(key="act_type")
    labels = {"en": "Forced <video> confession", "ru": "Принудительное видеопризнание",
              "fr": "Aveux forcés filmés"}  # fmt: skip
    added = vocabularies.add_term(vocab, labels=labels, by=desk.org.admin)
    assert added.pk not in before
    assert offered()[added.pk] == "Forced <video> confession"
    assert offered("ru")[added.pk] == "Принудительное видеопризнание"
    form = EventFilterForm()
    offer_terms(form)
    assert "Forced &lt;video&gt; confession</option>" in str(form["act_type"])
    vocabularies.rename_term(added, labels={**labels, "en": "Forced confession"},
                             by=desk.org.admin)  # fmt: skip
    assert offered()[added.pk] == "Forced confession"
    assert offered("ru")[added.pk] == "Принудительное видеопризнание"
    added.refresh_from_db()
    vocabularies.retire_term(added, by=desk.org.admin)
    assert added.pk not in offered()
    # Once made, a form's options cost one query, however many vocabularies.
    form = EventFilterForm()
    offer_terms(form)
    with CaptureQueriesContext(connection) as captured:
        offer_terms(EventFilterForm())
    assert len(captured.captured_queries) == 1
    # Written with the value chosen, escaped.
    chosen = term("act_type", "030000000000")
    form = EventFilterForm({"act_type": str(chosen.pk)})
    offer_terms(form)
    written = str(form["act_type"])
    assert f'<option value="{chosen.pk}" selected>' in written
    assert written.count(" selected") == 1
