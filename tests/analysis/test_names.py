"""Names written in Cyrillic and in every romanisation system, with spelling
variants, compound names, initials, patronymics, female forms, swapped or
pseudonymous names, fold to the same keys; different names do not."""

from __future__ import annotations

import pytest

from safepassage.analysis.names import (
    GIVEN_NAME_CLASHES,
    given_key,
    parse,
    parse_parts,
    same_person_score,
    surname_key,
    usual_order,
)
from safepassage.analysis.romanization import detect, key, system_for


@pytest.mark.parametrize(
    ("written", "system"),
    [
        ("Магомед", "english"),
        ("Магамед", "english"),
        ("Магомет", "english"),
        ("Мохьмад", "english"),
        ("Мухаммад", "english"),
        ("Magomed", "bgn_pcgn"),
        ("Mahomed", "english"),
        ("Mohammed", "english"),
        ("Muhammad", "english"),
        ("Moxʹmad", "scholarly"),
    ],
)
def test_it_reads_every_spelling_of_magomed_as_one_name(written: str, system: str) -> None:
    assert given_key(written, system) == given_key("Магомед")


@pytest.mark.parametrize(
    ("cyrillic", "latin", "system"),
    [
        # ISO 9 and scholarly, with diacritics.
        ("Шамиль", "Šamilʹ", "iso9"),
        ("Хасанов", "Xasanov", "scholarly"),
        ("Ножай-Юрт", "Nožaj-Ûrt", "iso9"),
        # BGN/PCGN.
        ("Исаев", "Isayev", "bgn_pcgn"),
        ("Эльмурзаев", "El'murzayev", "bgn_pcgn"),
        # GOST 7.79-B.
        ("Цакаев", "Czakaev", "gost_b"),
        ("Шамиль", "Shamil`", "gost_b"),
        # ICAO passports.
        ("Юсупов", "Iusupov", "icao"),
        ("Ножай-Юрт", "Nozhai-Iurt", "icao"),
        # French.
        ("Хусейн", "Khousseïn", "french"),
        ("Умаров", "Oumarov", "french"),
        ("Исаев", "Issaïev", "french"),
        ("Шамиль", "Chamil", "french"),
        ("Ибрагим", "Ibraguim", "french"),
        ("Цоци-Юрт", "Tsotsi-Iourt", "french"),
        # German.
        ("Хасанов", "Chassanow", "german"),
        ("Исаев", "Issajew", "german"),
        ("Зелимхан", "Selimchan", "german"),
        ("Ахмед", "Achmed", "german"),
        # English newsrooms: kh as h.
        ("Хасан", "Hasan", "english"),
        ("Хамзат", "Hamzat", "english"),
        ("Джабраилов", "Jabrailov", "english"),
    ],
)
def test_it_reads_each_romanisation_system_back(cyrillic: str, latin: str, system: str) -> None:
    assert key(latin, system) == key(cyrillic)


@pytest.mark.parametrize(
    ("words", "system"),
    [
        (["Oumarov", "Khousseïn", "Chamil", "Issaïev", "Tchetchnia"], "french"),
        (["Chassanow", "Issajew", "Schamil", "Umarow"], "german"),
        (["Iusupov", "Nozhai-Iurt", "Grozny"], "icao"),
        (["Czakaev", "Shamil`", "Xasanov"], "gost_b"),
        (["Šamilʹ", "Groznyj", "Čečnâ"], "iso9"),
        (["Magomed", "Umarov", "Ruslan"], "english"),
    ],
)
def test_it_tells_which_system_a_list_writes_in(words: list[str], system: str) -> None:
    assert detect(words) == system


def test_a_word_that_shows_another_system_is_read_in_it() -> None:
    # A German spelling in a French list: w and -ow say German.
    assert system_for("Chassanow", "french") == "german"
    # Nothing says otherwise: the list's own.
    assert system_for("Chamil", "french") == "french"
    # ch is ш in French, х in German, ч in English: the list decides.
    assert key("Chamil", "french") == key("Шамиль")
    assert key("Chassan", "german") == key("Хасан")
    assert key("Chechen", "english") == key("Чечен")


def test_the_words_of_one_name_are_read_in_the_system_one_of_them_shows() -> None:
    # A French file holding a German passport's name: -ow shows German, so
    # Chassan is Хасан there, not Шассан as French would read it.
    assert parse("Umarow Chassan", "french").given == ("hasan",)
    assert parse_parts("UMAROW", "Chassan", "", "french").given == ("hasan",)
    assert parse("Dudajewa Cheda", "french").given == ("heda",)
    # Without such a word, the list's own system reads the name.
    assert parse("Chamil Oumarov", "french").given == ("shamil",)


def test_a_given_name_known_only_in_another_system_is_read_in_it() -> None:
    # Nothing in the name shows German, but Chassan is no name in French
    # and Хасан in the one system whose reading is a known name.
    assert parse_parts("OUMAROV", "Chassan", "", "french").given == ("hasan",)
    assert parse("Selimchan Jandarbiev", "french").given == parse("Зелимхан Яндарбиев").given
    # A name the list's own system knows is kept as it reads it.
    assert parse("Chamil Bassaev", "french").given == ("shamil",)
    # A word known in no system is read in the list's own.
    assert parse("Chrizan Oumarov", "french").given == (key("Chrizan", "french"),)


def test_it_reads_the_palochka_however_it_is_typed() -> None:
    assert key("Соьлжа-Г1ала") == key("Соьлжа-ГӀала") == key("Соьлжа-ГIала")


def test_it_reads_latin_letters_typed_inside_cyrillic_words() -> None:
    assert key("Умaров") == key("Умаров")  # a Latin "a"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Кадырова", "Kadyrov"),
        ("Дудаева", "Dudayev"),
        ("Юсупова", "Iusupova"),
        ("Цакаев", "Tsakaev"),
        ("Алиева", "Aliyeva"),
    ],
)
def test_female_surnames_agree_with_the_male_form(a: str, b: str) -> None:
    assert surname_key(a) == surname_key(b)


def test_different_names_stay_different() -> None:
    assert given_key("Ruslan") != given_key("Ramzan")
    assert given_key("Ахмед") != given_key("Хамид")
    assert surname_key("Umarov") != surname_key("Umaev")
    assert surname_key("Хасанов") != surname_key("Асанов")


def test_no_form_of_the_given_name_table_belongs_to_two_names() -> None:
    assert GIVEN_NAME_CLASHES == []


@pytest.mark.parametrize(
    "written",
    [
        "Умаров Магомед Саидович",
        "Магомед Саидович Умаров",
        "UMAROV, Magomed",
        "Magomed Umarov",
        "Umarov Magomed",
        "Mohammed Umarov",
    ],
)
def test_it_finds_the_surname_in_any_order(written: str) -> None:
    name = parse(written)
    assert name.surname == surname_key("Умаров")
    assert name.given == (given_key("Магомед"),)


def test_what_is_written_around_a_name_is_no_part_of_it() -> None:
    plain = parse("Умаров Магомед")
    assert parse("Умаров Магомед (Мага), 28") == plain
    assert parse("«Умаров» Магомед 1987") != plain  # a quoted word is dropped
    assert parse("UMAROV, Magomed, 28 y.o.").given == plain.given
    assert parse("Умаров Магомед, 28 лет") == plain  # the press's age after a name
    assert parse("Умаров Магомед, около 30") == plain


def test_patronymics_give_the_fathers_name_and_the_sex() -> None:
    brother = parse("Умаров Магомед Саидович")
    sister = parse("Умарова Хеда Саидовна")
    assert brother.patronymic == sister.patronymic == given_key("Саид")
    assert (brother.sex, sister.sex) == ("m", "f")
    assert parse("Saidovitch", "french").patronymic == ""  # one word: not a patronymic
    assert parse("Magomed Saïdovitch Oumarov", "french").patronymic == given_key("Саид")


def test_initials_stand_for_the_given_name_and_patronymic() -> None:
    short = parse("Магомадов М. А.")
    assert short.surname == surname_key("Магомадов")
    assert short.given == ()
    assert (short.initial, short.patronymic_initial) == ("m", "a")
    assert parse("M. Umarov").initial == parse("Магомед Умаров").initial
    # An initial is its first letter as written: Д. for Джамбулат, Dzh. too.
    assert parse("Д. Юнусов").initial == parse_parts("Yunusov", "Dzhambulat").initial
    assert parse("Ш. Бачагов").initial != parse("С. Бачагов").initial
    anonymous = parse("М. У.")
    assert (anonymous.initial, anonymous.surname_initial, anonymous.surname) == ("m", "u", "")


def test_a_given_name_with_the_surnames_initial_is_the_given_name() -> None:
    """The press hides a surname behind its initial: "Хамзат Ч.", "Alvi K."."""
    hidden = parse("Хамзат Ч.")
    assert (hidden.surname, hidden.given, hidden.surname_initial) == (
        "",
        (given_key("Хамзат"),),
        parse("Чабаев").surname_initial,
    )
    assert hidden.sex == "m"
    assert parse("Alvi K., 25", "english").given == parse("Алви Кадыров").given
    assert parse("Ruslan, 28").given == (given_key("Руслан"),)  # the age is no name
    # A word with a surname's ending stays the surname ("Магомадов М.").
    assert parse("Магомадов М.").surname == surname_key("Магомадов")


def test_what_a_press_list_writes_around_a_name_is_no_part_of_it() -> None:
    plain = parse("Magomed Umarov")
    for written in (
        "Magomed Umarov, 28, from Argun",
        "Magomed Umarov, aged 28",
        "Magomed Umarov a.k.a. Abu Bakr",
        "Mr Magomed Umarov",
    ):
        found = parse(written)
        assert (found.surname, found.given) == (plain.surname, plain.given), written
    russian = parse("Умаров Магомед, 28 лет, житель Аргуна")
    assert (russian.surname, russian.given) == (plain.surname, plain.given)
    assert parse("гр. Умаров М.").initials == parse("Умаров М.").initials
    # A title says the sex where the name does not.
    assert parse("Ms. K. Umarov").sex == "f"  # (a male form says nothing)
    assert parse("Herr A. Umarow").sex == "m"
    assert parse("гр. Умаров М.").sex == ""  # гражданин or гражданка
    # The comma of "SURNAME, Given" is still read as such.
    assert parse("UMAROV, Magomed").surname == plain.surname


def test_a_person_the_list_could_not_name_has_no_name() -> None:
    for written, sex in (
        ("неизвестный мужчина", "m"),
        ("unidentified woman", "f"),
        ("inconnu", ""),
        ("Неустановленное лицо", ""),
    ):
        found = parse(written)
        assert (found.surname, found.given, found.initials) == ("", (), ()), written
        assert found.sex == sex, written
        assert not found.pseudonym
    unknown = parse_parts("Неизвестный", "", "")
    assert (unknown.surname, unknown.given, unknown.unnamed) == ("", (), True)
    assert not parse_parts("", "", "").unnamed


@pytest.mark.parametrize(
    ("written", "sex"),
    [
        ("житель Аргуна", "m"),
        ("жительница Грозного", "f"),
        ("мужчина из Грозного", "m"),
        ("уроженец Шали", "m"),
        ("задержанный", "m"),
        ("молодой человек из Шали", "m"),
        ("студентка из Шали", "f"),
        ("Аноним", ""),
        ("a young man from Shali", "m"),
        ("a 25-year-old man", "m"),
        ("a resident of Argun", ""),
        ("the victim", ""),
        ("un jeune homme de Grozny", "m"),
        ("ein Mann aus Grosny", "m"),
    ],
)
def test_a_person_described_not_named_has_no_name(written: str, sex: str) -> None:
    """Or every "житель Аргуна" would agree with every other on the words."""
    found = parse(written)
    assert (found.surname, found.given, found.initials) == ("", (), ())
    assert found.unnamed
    assert found.sex == sex


@pytest.mark.parametrize("written", ["Студентов Ахмед", "Жителев Ахмед", "Jeune Ahmed", "Анонимов"])
def test_a_surname_that_begins_as_a_description_is_a_name(written: str) -> None:
    found = parse(written)
    assert not found.unnamed
    assert found.surname


def test_compound_given_names_are_their_parts_however_joined() -> None:
    parts = (given_key("Саид"), given_key("Магомед"))
    assert parse("Саид-Магомед Умаров").given == parts
    assert parse("Саидмагомед Умаров").given == parts
    assert parse("Саид Магомед Умаров").given == parts


def test_a_pseudonym_is_not_compared_by_its_name() -> None:
    for written in (
        "Ахмед (имя изменено)",
        "Ahmed (not his real name)",
        "Ахмед*",
        "Amina (nom modifié)",
    ):
        name = parse(written)
        assert name.pseudonym
        assert (name.surname, name.given, name.initial) == ("", (), "")
    assert parse("Amina (name changed)").sex == "f"


def test_separate_columns_swapped_by_the_typist_are_put_back() -> None:
    right = parse_parts("Умаров", "Магомед")
    assert parse_parts("Магомед", "Умаров") == right
    assert parse_parts("Umarov", "Magomed Saidovich").patronymic == given_key("Саид")


def test_a_lists_usual_order_decides_names_that_do_not_say() -> None:
    # "Тайсум Бексолт": neither word is a known given name or has a
    # surname's ending; the list puts surnames first.
    assert usual_order(["Умаров Магомед", "Дудаев Ислам", "Алиев Руслан"]) is True
    assert parse("Тайсум Бексолт", surname_first=True).surname == surname_key("Тайсум")
    assert parse("Тайсум Бексолт", surname_first=False).surname == surname_key("Бексолт")
    # Two known given names are given names, whatever the list's order.
    assert parse("Ислам Ваха", surname_first=True).surname == ""


def test_scores_rank_the_same_person_higher() -> None:
    same = same_person_score("Умаров Магомед", "Mahomed Umarov")
    initial = same_person_score("Умаров Магомед", "M. Umarov")
    other = same_person_score("Умаров Магомед", "Ruslan Dudayev")
    assert same == pytest.approx(1.0)
    assert initial > 0.9
    assert other < 0.7


def test_an_initial_agrees_with_every_spelling_of_the_name() -> None:
    # English writes Умар as Omar, so "O. Musayev" abbreviates him; Юсуп is
    # also Усуп, so У. and Yu. both stand for him.
    umar = parse("Умар Мусаев")
    assert parse("O. Musayev", "english").initial in umar.initials
    assert parse("U. Musayev", "english").initial in umar.initials
    assert set(parse("Omar Musayev", "english").initials) == set(umar.initials)
    usup = parse("Усуп Дудаев")
    assert parse("Yu. Dudayev", "english").initial in usup.initials
    assert parse("У. Дудаев").initial in usup.initials
    # Another name's initial is not among them.
    assert parse("M. Musayev", "english").initial not in umar.initials
    assert parse("M. Musayev", "english").initials == ("m",)
