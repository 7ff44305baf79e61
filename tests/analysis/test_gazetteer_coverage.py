"""The gazetteer knows the villages of every district of the Chechen
Republic: each read the same, and put in its district, whether a list gives
its Russian name, a Russian case form ("житель Дуба-Юрта") or a Latin
spelling in any system; and no two entries share a name."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest

from safepassage.analysis import places
from safepassage.analysis.places import read_place

# (id, district, nominative, a case form as a list writes it, Latin spellings
# with the system of the list that writes them).
VILLAGES = [
    ("katar-yurt", "achkhoy-martan", "Катар-Юрт", "житель Катар-Юрта",
     [("Katar-Yurt", "bgn_pcgn"), ("Katar-Iourt", "french")]),
    ("valerik", "achkhoy-martan", "Валерик", "из Валерика", [("Valerik", "english")]),
    ("stary-achkhoy", "achkhoy-martan", "Старый Ачхой", "жительница Старого Ачхоя",
     [("Staryy Achkhoy", "bgn_pcgn"), ("Stary Achkhoy", "english")]),
    ("dyshne-vedeno", "vedeno", "Дышне-Ведено", "уроженец Дышне-Ведено",
     [("Dyshne-Vedeno", "bgn_pcgn"), ("Dychne-Vedeno", "french")]),
    ("kharachoy", "vedeno", "Харачой", "из Харачоя",
     [("Kharachoy", "bgn_pcgn"), ("Kharatchoï", "french")]),
    ("elistanzhi", "vedeno", "Элистанжи", "в Элистанжи",
     [("Elistanzhi", "bgn_pcgn"), ("Elistanji", "french")]),
    ("ken-yurt", "grozny-district", "Кень-Юрт", "жителя Кень-Юрта",
     [("Ken-Yurt", "english"), ("Ken-Iourt", "french")]),
    ("lakha-varandy", "grozny-district", "Лаха-Варанды", "из Лаха-Варанд",
     [("Lakha-Varandy", "bgn_pcgn"), ("Lakha-Varandy", "french")]),
    ("dachu-borzoy", "grozny-district", "Дачу-Борзой", "в Дачу-Борзое",
     [("Dachu-Borzoy", "bgn_pcgn"), ("Datchou-Borzoï", "french")]),
    ("koshkeldy", "gudermes", "Кошкельды", "из Кошкельды",
     [("Koshkeldy", "bgn_pcgn"), ("Kochkeldy", "french")]),
    ("braguny", "gudermes", "Брагуны", "жительница Брагунов",
     [("Braguny", "bgn_pcgn"), ("Bragouny", "french")]),
    ("gerzel-aul", "gudermes", "Герзель-Аул", "житель Герзель-Аула",
     [("Gerzel-Aul", "english"), ("Guerzel-Aoul", "french")]),
    ("veduchi", "itum-kale", "Ведучи", "с. Ведучи",
     [("Veduchi", "bgn_pcgn"), ("Vedoutchi", "french")]),
    ("guchum-kale", "itum-kale", "Гучум-Кале", "в Гучум-Кале",
     [("Guchum-Kale", "bgn_pcgn"), ("Goutchoum-Kale", "french")]),
    ("yalkhoy-mokhk", "kurchaloy", "Ялхой-Мохк", "житель Ялхой-Мохка",
     [("Yalkhoy-Mokhk", "bgn_pcgn"), ("Ialkhoï-Mokhk", "french")]),
    ("alleroy", "kurchaloy", "Аллерой", "из Аллероя",
     [("Alleroy", "bgn_pcgn"), ("Alleroï", "french")]),
    ("beno-yurt", "nadterechny", "Бено-Юрт", "жителя Бено-Юрта",
     [("Beno-Yurt", "bgn_pcgn"), ("Beno-Iourt", "french")]),
    ("verkhny-naur", "nadterechny", "Верхний Наур", "жителя Верхнего Наура",
     [("Verkhniy Naur", "bgn_pcgn"), ("Verkhni Naour", "french")]),
    ("ishcherskaya", "naur", "Ищерская", "в станице Ищерской",
     [("Ishcherskaya", "bgn_pcgn"), ("Ichtcherskaïa", "french")]),
    ("chernokozovo", "naur", "Чернокозово", "в Чернокозово",
     [("Chernokozovo", "bgn_pcgn"), ("Tchernokozovo", "french")]),
    ("zandak", "nozhai-yurt", "Зандак", "жителя Зандака",
     [("Zandak", "english")]),
    ("galayty", "nozhai-yurt", "Галайты", "из Галайтов",
     [("Galayty", "bgn_pcgn"), ("Galaïty", "french")]),
    ("martan-chu", "urus-martan", "Мартан-Чу", "в Мартан-Чу",
     [("Martan-Chu", "bgn_pcgn"), ("Martan-Tchou", "french")]),
    ("goy-chu", "urus-martan", "Гой-Чу", "из Гой-Чу",
     [("Goy-Chu", "bgn_pcgn"), ("Goï-Tchou", "french")]),
    ("duba-yurt", "shali", "Дуба-Юрт", "житель Дуба-Юрта",
     [("Duba-Yurt", "bgn_pcgn"), ("Douba-Iourt", "french")]),
    ("mesker-yurt", "shali", "Мескер-Юрт", "в Мескер-Юрте",
     [("Mesker-Yurt", "bgn_pcgn"), ("Mesker-Iourt", "french")]),
    ("kenkhi", "sharoy", "Кенхи", "из Кенхи",
     [("Kenkhi", "bgn_pcgn"), ("Kenchi", "german")]),
    ("khakmadoy", "sharoy", "Хакмадой", "с. Хакмадой",
     [("Khakmadoy", "bgn_pcgn"), ("Khakmadoï", "french")]),
    ("borzoy", "shatoy", "Борзой", "жителя Борзоя",
     [("Borzoy", "bgn_pcgn"), ("Borzoï", "french")]),
    ("ulus-kert", "shatoy", "Улус-Керт", "в Улус-Керте",
     [("Ulus-Kert", "bgn_pcgn"), ("Oulous-Kert", "french")]),
    ("bolshiye-varandy", "shatoy", "Большие Варанды", "из Больших Варанд",
     [("Bol'shiye Varandy", "bgn_pcgn"), ("Bolshiye Varandy", "english")]),
    ("chervlyonnaya", "shelkovskaya", "Червлённая", "станицы Червленной",
     [("Chervlyonnaya", "bgn_pcgn"), ("Tchervlionnaïa", "french")]),
    ("kargalinskaya", "shelkovskaya", "Каргалинская", "в Каргалинской",
     [("Kargalinskaya", "bgn_pcgn"), ("Kargalinskaïa", "french")]),
    ("berdykel", "argun", "Бердыкель", "в Бердыкеле", [("Berdykel", "bgn_pcgn")]),
]  # fmt: skip

# The fifteen districts, by the adjective a list writes ("Шалинский район").
DISTRICTS = {
    "Ачхой-Мартановский": "achkhoy-martan",
    "Веденский": "vedeno",
    "Грозненский": "grozny-district",
    "Гудермесский": "gudermes",
    "Итум-Калинский": "itum-kale",
    "Курчалоевский": "kurchaloy",
    "Надтеречный": "nadterechny",
    "Наурский": "naur",
    "Ножай-Юртовский": "nozhai-yurt",
    "Серноводский": "sunzha-chechnya",
    "Сунженский": "sunzha-chechnya",
    "Урус-Мартановский": "urus-martan",
    "Шалинский": "shali",
    "Шаройский": "sharoy",
    "Шатойский": "shatoy",
    "Шелковской": "shelkovskaya",
}


def where(text: str, system: str = "english") -> tuple[str, str]:
    found = read_place(text, system)
    assert found is not None, text
    assert found.known, text
    return found.id, found.district


def test_the_sample_covers_every_district() -> None:
    sampled = {district for _id, district, *_rest in VILLAGES}
    assert set(DISTRICTS.values()) - {"sunzha-chechnya"} <= sampled
    assert len(VILLAGES) >= 30


@pytest.mark.parametrize(("place", "district", "name", "case_form", "latin"), VILLAGES)
def test_a_village_is_one_place_however_it_is_written(
    place: str, district: str, name: str, case_form: str, latin: list[tuple[str, str]]
) -> None:
    assert places.GAZETTEER[place].district == district
    assert where(name) == (place, district)
    assert where(case_form) == (place, district)
    for spelling, system in latin:
        assert where(spelling, system) == (place, district), spelling


@pytest.mark.parametrize(("village", "case_form"), [
    ("Ассиновская", "жительница станицы Ассиновской"),
    ("Серноводское", "из Серноводского"),
])  # fmt: skip
def test_the_sernovodsky_district_keeps_its_places(village: str, case_form: str) -> None:
    assert where(village)[1] == where(case_form)[1] == "sunzha-chechnya"
    assert where("Серноводский район") == ("district:sunzha-chechnya", "sunzha-chechnya")


@pytest.mark.parametrize(("adjective", "district"), DISTRICTS.items())
def test_every_district_is_named_by_its_adjective(adjective: str, district: str) -> None:
    assert where(f"{adjective} район") == (f"district:{district}", district)


@pytest.mark.parametrize(("written", "system", "place"), [
    ("Итум-Кали", "english", "itum-kale"),  # the village's official name
    ("Итум-Кале", "english", "itum-kale"),
    ("Itum-Kali", "bgn_pcgn", "itum-kale"),
    ("Stary Atagi", "english", "starye-atagi"),
    ("Novy Atagi", "english", "novye-atagi"),
    ("Starye Atagi", "bgn_pcgn", "starye-atagi"),
])  # fmt: skip
def test_existing_places_keep_their_ids(written: str, system: str, place: str) -> None:
    assert where(written, system)[0] == place


def test_a_name_two_places_bear_goes_to_the_larger_or_to_none() -> None:
    assert where("Шуани") == ("shuani", "gudermes")  # a smaller one in Nozhai-Yurt
    assert where("Белгатой") == ("belgatoy", "shali")  # a smaller one in Vedeno
    assert where("Аллерой") == ("alleroy", "kurchaloy")  # a smaller one in Nozhai-Yurt
    assert where("Центарой") == ("akhmat-yurt", "kurchaloy")
    assert where("Беной") == ("benoy", "nozhai-yurt")
    for shared in ("Комсомольское", "Октябрьское", "Корен-Беной"):
        found = read_place(shared)
        assert found is not None
        assert not found.known, shared
    # Common words that are also village names are not read as places.
    for word in ("мирный житель", "Восход", "зоны", "ул. Первомайская"):
        found = read_place(word)
        assert found is None or not found.known, word


def _entries() -> list[dict[str, Any]]:
    with (places.REFERENCE / "places.toml").open("rb") as source:
        return tomllib.load(source)["places"]


def test_every_name_in_the_gazetteer_reads_back_to_its_own_entry() -> None:
    # A region's name may hold a word the reader drops as saying nothing of
    # the place ("Чеченская Республика"): regions are found by their other
    # names.
    wrong = []
    for entry in _entries():
        if entry["kind"] == "region":
            continue
        for name in entry.get("names", []):
            for written in (name, *sorted(places.inflections(name))):
                found = read_place(written)
                if found is None or found.id != entry["id"]:
                    wrong.append((entry["id"], written, found and found.id))
    assert wrong == []


def test_no_two_entries_share_a_name_or_an_id() -> None:
    seen: dict[str, str] = {}
    ids = set()
    for entry in _entries():
        assert entry["id"] not in ids
        ids.add(entry["id"])
        for name in entry.get("names", []):
            key = name.casefold().replace("ё", "е")
            assert seen.setdefault(key, entry["id"]) == entry["id"], name
