"""The counting rules, written down as data: killings and detentions per
victim, every other act per act, each rule holding for the types below
its own; every rule names a shipped act type."""

from __future__ import annotations

import pytest

from safepassage.documentation.counting import COUNTING_RULES, Rules, Unit
from safepassage.documentation.models import Term
from tests.documentation.conftest import term

LIFE = "010000000000"
LIBERTY = "030000000000"
INTEGRITY = "020000000000"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("act_type", "category", "unit"),
    [
        ("010101010000", LIFE, Unit.VICTIM),  # a summary execution
        ("L-HONOUR-KILLING", LIFE, Unit.VICTIM),
        ("010106010000", LIFE, Unit.VICTIM),  # a death in custody
        ("010109000000", "010109000000", Unit.ACT),  # an attempted killing
        ("L-ARBITRARY-DETENTION", LIBERTY, Unit.VICTIM),
        ("L-SECRET-DETENTION", LIBERTY, Unit.VICTIM),
        ("L-ENFORCED-DISAPPEARANCE", LIBERTY, Unit.VICTIM),
        ("030107000000", LIBERTY, Unit.VICTIM),  # a mass round-up
        ("020111110000", INTEGRITY, Unit.ACT),  # torture
        ("020103010100", INTEGRITY, Unit.ACT),  # a threat
        ("L-FORCED-OUTING", "040000000000", Unit.ACT),
        ("L-OUTING-BLACKMAIL", "130000000000", Unit.ACT),
        ("900000000000", "900000000000", Unit.ACT),  # other
    ],
)
def test_it_counts_each_act_type_in_its_category_and_unit(
    act_type: str, category: str, unit: Unit
) -> None:
    rules = Rules()
    found = rules.category(term("act_type", act_type).pk)
    assert rules.terms[found.term_id].code == category
    assert found.unit == unit


@pytest.mark.django_db
def test_it_names_only_act_types_that_ship() -> None:
    shipped = set(Term.objects.filter(vocabulary__key="act_type").values_list("code", flat=True))
    assert {rule.code for rule in COUNTING_RULES} <= shipped
    assert [(t.code, u) for t, u in Rules().written_out()] == [
        (rule.code, rule.unit) for rule in COUNTING_RULES
    ]


@pytest.mark.django_db
def test_a_term_added_below_a_rule_follows_it() -> None:
    from safepassage.documentation import vocabularies

    added = vocabularies.add_term(
        vocabularies.vocabulary("act_type"),
        parent=term("act_type", "L-ARBITRARY-DETENTION"),
        labels={"en": "Detention at a checkpoint", "ru": "Задержание на посту", "fr": "Arrêt"},
        by=None,
    )
    found = Rules().category(added.pk)
    assert (found.unit, Rules().terms[found.term_id].code) == (Unit.VICTIM, LIBERTY)
