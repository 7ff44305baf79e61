"""Names written in Cyrillic and Latin, in several systems, with initials,
patronymics, female forms and swapped order, fold to the same keys."""

from __future__ import annotations

import pytest

from safepassage.analysis.names import given_key, latin, parse, same_person_score, surname_key


@pytest.mark.parametrize("variant", ["Магомед", "Magomed", "Mahomed", "Magomet", "Muhammad"])
def test_magomed_in_every_spelling(variant: str) -> None:
    assert given_key(variant) == given_key("Магомед")


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Кадырова", "Kadyrov"),
        ("Дудаева", "Dudayev"),
        ("Хасанов", "Khasanov"),
        ("Хасанов", "Hasanov"),
        ("Юсупов", "Iusupov"),
        ("Юсупов", "Yusupov"),
        ("Цакаев", "Tsakaev"),
    ],
)
def test_surnames_across_scripts_and_forms(a: str, b: str) -> None:
    assert surname_key(a) == surname_key(b)


def test_different_names_stay_different() -> None:
    assert given_key("Ruslan") != given_key("Ramzan")
    assert surname_key("Umarov") != surname_key("Umaev")


def test_order_initials_and_patronymics() -> None:
    full = parse("Умаров Магомед Саидович")
    assert full.surname == surname_key("Umarov")
    assert full.given == given_key("Magomed")
    assert full.patronymic
    assert parse("Magomed Umarov") == parse("Umarov Magomed").__class__(
        given=full.given, initial=full.initial, surname=full.surname, patronymic=""
    )
    short = parse("M. Umarov")
    assert short.surname == full.surname
    assert short.initial == full.initial
    assert short.given == ""


def test_scores_rank_the_same_person_higher() -> None:
    same = same_person_score("Умаров Магомед", "Mahomed Umarov")
    initial = same_person_score("Умаров Магомед", "M. Umarov")
    other = same_person_score("Умаров Магомед", "Ruslan Dudayev")
    assert same == pytest.approx(1.0)
    assert initial > 0.9
    assert other < 0.7


def test_latin_is_letters_only() -> None:
    assert latin("Абдул-Кадыр  Зелимхан!") == "abdul kadyr zelimkhan"
