"""Forms of names and places that lists of this region use and that were
read wrongly: given names in -дин, changed-name notes with words inside,
j in the systems that write й so, German sch for ж, places named with
"Старая" or "Верхний", a "region" for a district, the republic in full."""

from __future__ import annotations

import pytest

from safepassage.analysis.linkage.victims import SourceRecord, prepare
from safepassage.analysis.names import parse, parse_parts
from safepassage.analysis.places import read_place
from safepassage.analysis.romanization import key, system_for
from safepassage.analysis.values import read_age


@pytest.mark.parametrize(
    "given", ["Шамсудин", "Нурдин", "Алаудин", "Зайнудин", "Салахудин", "Мумин", "Ясин"]
)
def test_a_given_name_in_din_is_not_taken_for_a_surname(given: str) -> None:
    # Both words end as surnames do; only the given name's table tells.
    first = parse(f"{given} Исаев")
    second = parse(f"Исаев {given}")
    assert first.surname == second.surname == key("Исаев")
    assert first.given == second.given
    assert first.sex == "m"


@pytest.mark.parametrize(
    "written",
    [
        "Муса (имя героя изменено)",
        "Муса (имя собеседника изменено по его просьбе)",
        "Муса (имя по просьбе изменено)",
        "Муса и Ваха (имена героев изменены)",
        "Moussa (les prénoms ont été modifiés)",
        "Musa (Namen geändert)",
        "Musa (Name von der Redaktion geändert)",
    ],
)
def test_a_changed_name_note_with_words_inside_is_still_a_pseudonym(written: str) -> None:
    found = parse(written)
    assert found.pseudonym
    assert not found.surname
    assert not found.given


def test_words_like_the_notes_are_names_when_no_note_is_made() -> None:
    assert not parse("Иманов Изменен").pseudonym
    assert not parse("Abdulnom Changé").pseudonym


def test_a_compound_given_name_takes_its_sex_from_the_part_that_tells() -> None:
    assert parse("Хаджи-Ахмед Исаев").sex == "m"


@pytest.mark.parametrize(
    ("written", "system"),
    [
        ("Jusupov Jusup", "scholarly"),
        ("Jusupov Jusup", "iso9"),
        ("Jussupow Jussuf", "german"),
    ],
)
def test_j_is_y_in_the_systems_that_write_it_so(written: str, system: str) -> None:
    assert parse(written, system).surname == parse("Юсупов Юсуп").surname


def test_an_english_list_still_reads_j_as_dzh() -> None:
    assert parse("Jabrail Jabrailov", "english").surname == parse("Джабраилов").surname


@pytest.mark.parametrize(
    ("latin", "system", "cyrillic"),
    [
        ("Meschijew", "german", "Межиев"),
        ("Chadischat", "german", "Хадижат"),
        ("Hadjiev", "english", "Хаджиев"),
    ],
)
def test_german_sch_for_zh_and_english_dj_reach_the_cyrillic_key(
    latin: str, system: str, cyrillic: str
) -> None:
    assert key(latin, system) == key(cyrillic)


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [
        ("Rouslane", "Руслан"),
        ("Ramzane", "Рамзан"),
        ("Zelimkhane", "Зелимхан"),
        ("Khamzate", "Хамзат"),
        ("Poutine", "Путин"),
        # An e that is said stays.
        ("Itoum-Kale", "Итум-Кале"),
        ("Adame", "Адаме"),
    ],
)
def test_a_french_silent_final_e_is_not_read(latin: str, cyrillic: str) -> None:
    assert key(latin, "french") == key(cyrillic)


def test_noschai_jurt_is_nozhai_yurt() -> None:
    assert read_place("Noschai-Jurt", "german") == read_place("Ножай-Юрт")


@pytest.mark.parametrize("written", ["Старая Сунжа", "пос. Старая Сунжа", "Staraya Sunzha"])
def test_old_or_upper_makes_another_place_than_the_name_alone(written: str) -> None:
    found = read_place(written)
    assert found is not None
    assert found != read_place("Сунжа")
    assert not found.known


def test_a_place_whose_name_holds_the_word_is_still_known() -> None:
    assert read_place("Старые Атаги") == read_place("Staryye Atagi") == read_place("Старых Атагов")
    assert read_place("Старые Атаги").known
    assert read_place("с. Верхний Наур").known


def test_a_region_in_an_english_article_is_a_district() -> None:
    assert read_place("Shali region") == read_place("Шалинский район")
    assert read_place("Grozny region") == read_place("Грозненский район")


@pytest.mark.parametrize(
    "written",
    ["Чеченская Республика", "Chechen Republic", "République tchétchène", "ЧР", "Chechnya"],
)
def test_the_republic_in_full_is_chechnya(written: str) -> None:
    found = read_place(written)
    assert found is not None
    assert found.id == "chechnya"


def test_the_capital_in_a_german_case_form_is_grozny() -> None:
    assert read_place("in der tschetschenischen Hauptstadt") == read_place("Грозный")


def test_a_whole_republic_says_nothing_for_or_against_a_town() -> None:
    records = [
        SourceRecord("A", "1", name="Исаев Муса", place="Чеченская Республика"),
        SourceRecord("B", "1", name="Musa Isayev", place="Grozny", detention_place="ЧР"),
    ]
    first, second = prepare(records, 2017)
    assert first["place"] is None
    assert second["place"] == "grozny"
    assert second["detention"] is None


def test_an_age_and_a_place_after_a_name_are_read_where_the_list_has_no_column() -> None:
    records = [
        SourceRecord("A", "1", name="Магомед Умаров, 28 лет, житель Аргуна", age_date="2017"),
        SourceRecord("B", "1", name="Magomed Umarov, 28, from Argun", event_date="2017"),
        # A column of its own wins over what the name says.
        SourceRecord("C", "1", name="Magomed Umarov, 28, from Argun", age="40", place="Shali"),
        SourceRecord("D", "1", name="Magomed Umarov"),
    ]
    first, second, third, fourth = prepare(records, 2017)
    assert (first["birth_lo"], first["birth_hi"]) == (1988, 1989)
    assert (second["birth_lo"], second["birth_hi"]) == (1988, 1989)
    assert first["place"] == second["place"] == "argun"
    assert (third["birth_lo"], third["place"]) == (1976, "shali")
    assert (fourth["birth_lo"], fourth["place"]) == (None, None)


@pytest.mark.parametrize(
    "written",
    [
        "Магомед Умаров, двадцать восемь лет, житель Аргуна",
        "Magomed Umarov, twenty-eight, from Argun",
        "Oumarov, Magomed, vingt-huit ans",
    ],
)
def test_an_age_in_words_after_a_name_is_no_part_of_the_name(written: str) -> None:
    assert parse(written) == parse("Магомед Умаров")
    (record,) = prepare([SourceRecord("A", "1", name=written, event_date="2017")], 2017)
    assert (record["birth_lo"], record["birth_hi"]) == (1988, 1989)


def test_alias_marks_a_name_only_when_it_stands_alone_after_it() -> None:
    assert parse("Magomadov Magomed alias Mago") == parse("Magomadov Magomed")
    assert parse("Aliasov Magomed").surname == parse("Алиасов Магомед").surname != ""
    assert parse("Ahmed (alias)").pseudonym


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [("Hassane", "Хасан"), ("Abderrahmane", "Абдеррахман"), ("Rahmane", "Рахман")],
)
def test_a_lone_h_in_a_french_list_is_no_sign_of_english(latin: str, cyrillic: str) -> None:
    # French writes these names with an h as English does: the word is
    # still read as French, its final e silent.
    assert system_for(latin, "french") == "french"
    assert key(latin, system_for(latin, "french")) == key(cyrillic)
    # A German ending still says German.
    assert system_for("Chassanow", "french") == "german"


@pytest.mark.parametrize(
    ("written", "system", "surname", "given"),
    [
        # A given name in capitals beside a surname: typed the wrong way round.
        ("SHAMIL Baysayev", "bgn_pcgn", "baisaev", "shamil"),
        # A compound of given names is no surname, in a surname-first list.
        ("Said-Hussein Vakhidov", "english", "vahidav", "saithusein"),
        ("VAKHIDOV Said-Khusein", "english", "vahidav", "saithusein"),
    ],
)
def test_a_name_whose_words_say_which_is_the_surname_is_read_so(
    written: str, system: str, surname: str, given: str
) -> None:
    found = parse(written, system, surname_first=True)
    assert (found.surname, "".join(found.given)) == (surname, given)


@pytest.mark.parametrize(
    ("surname", "given", "system"),
    [("MUSAYEV, Ibragim I.", "", "bgn_pcgn"), ("Мусаев Ибрагим", "", "iso9"),
     ("", "Ibragim Musaev", "bgn_pcgn")],
)  # fmt: skip
def test_a_whole_name_typed_into_one_name_column_is_read(
    surname: str, given: str, system: str
) -> None:
    found = parse_parts(surname, given, "", system)
    assert (found.surname, found.given) == ("musaev", ("ibrahim",))


def test_a_compound_given_name_alone_in_its_column_stays_a_given_name() -> None:
    assert parse_parts("", "Said Emi", "", "french").surname == ""


@pytest.mark.parametrize(
    "written", ["неизвестно", "Неизвестно", "unknown", "н/д", "нет сведений", "inconnu", "k. A."]
)
def test_a_value_written_as_unknown_is_no_place_and_no_age(written: str) -> None:
    assert read_place(written) is None
    assert read_age(written) is None


def test_ilaskhan_yurt_is_ilskhan_yurt() -> None:
    for written, system in [("Иласхан-Юрт", "iso9"), ("житель Иласхан-Юрта", "iso9"),
                            ("Ilaschan-Jurt", "german"), ("Ilaskhan-Iourt", "french")]:  # fmt: skip
        assert read_place(written, system) == read_place("Илсхан-Юрт")


@pytest.mark.parametrize("written", ["Саид Магомед", "Said Magomed", "Саид-Магомед"])
def test_given_names_alone_are_no_surname(written: str) -> None:
    # A compound given name written apart, as the press names a man without
    # his surname.
    found = parse(written, "english")
    assert (found.surname, found.given) == ("", ("sait", "mahamet"))
    # A surname beside a given name is still one.
    assert parse("Саид Абдулаев").surname == "abdulaev"


@pytest.mark.parametrize(
    ("written", "given"),
    [("ХАСАНОВ 1абдулла", ("abdula",)), ("Батаев Iаьрби Султанович", ("arbi",))],
)
def test_a_palochka_typed_first_in_a_word_is_a_letter(written: str, given: tuple[str]) -> None:
    found = parse(written)
    assert found.given == given
    assert found.surname in ("hasanav", "bataev")


def test_a_given_name_before_the_comma_and_a_surname_after_it_are_put_back() -> None:
    found = parse("ADLAN, Gerikhanov Vakhidovich", "bgn_pcgn")
    assert (found.surname, found.given) == ("herihanav", ("adlan",))
    # As the comma says where nothing says otherwise.
    assert parse("ISAYEV, Magomed Saidovich", "bgn_pcgn").surname == "isaev"
