"""Synthetic victim lists with known truth, for tests and benchmarks.

True people (Chechen and Russian names, birth years, home places) are
recorded by several lists with different and correlated chances (an NGO's
testimonies, the local press, foreign press, an international report). Each
list writes names its own way: Cyrillic or Latin in several transliteration
systems, surname first or last, initials, a patronymic or not, the female
form mistaken; birth dates exact, as a year, as an age or not at all.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

MALE_GIVEN = [
    ("Магомед", ["Magomed", "Mahomed", "Magomet", "Muhammad"]),
    ("Ахмед", ["Akhmed", "Ahmed", "Akhmad"]),
    ("Ибрагим", ["Ibragim", "Ibrahim"]),
    ("Юсуп", ["Yusup", "Iusup", "Yusuf"]),
    ("Хасан", ["Khasan", "Hasan", "Xasan"]),
    ("Зелимхан", ["Zelimkhan", "Zelimhan"]),
    ("Руслан", ["Ruslan"]),
    ("Аслан", ["Aslan"]),
    ("Мовсар", ["Movsar"]),
    ("Ислам", ["Islam"]),
    ("Адам", ["Adam"]),
    ("Тимур", ["Timur"]),
    ("Умар", ["Umar", "Omar"]),
    ("Саид", ["Said"]),
    ("Рамзан", ["Ramzan", "Ramazan"]),
    ("Абубакар", ["Abubakar"]),
    ("Алихан", ["Alikhan", "Alihan"]),
    ("Анзор", ["Anzor"]),
    ("Апти", ["Apti"]),
    ("Арби", ["Arbi"]),
    ("Бислан", ["Bislan"]),
    ("Вахид", ["Vakhid", "Vahid"]),
    ("Иса", ["Isa"]),
    ("Казбек", ["Kazbek"]),
    ("Лечи", ["Lechi"]),
    ("Магомед-Эми", ["Magomed-Emi"]),
    ("Муса", ["Musa"]),
    ("Нохчо", ["Nokhcho"]),
    ("Рустам", ["Rustam"]),
    ("Салман", ["Salman"]),
    ("Сулим", ["Sulim"]),
    ("Турпал", ["Turpal"]),
    ("Хамзат", ["Khamzat", "Hamzat"]),
    ("Шамиль", ["Shamil"]),
    ("Эльдар", ["Eldar"]),
    ("Юнус", ["Yunus", "Iunus"]),
]
FEMALE_GIVEN = [
    ("Амина", ["Amina"]),
    ("Зарема", ["Zarema"]),
    ("Хеда", ["Kheda", "Heda"]),
    ("Малика", ["Malika"]),
    ("Лейла", ["Leila", "Leyla", "Lejla"]),
    ("Айшат", ["Aishat", "Ayshat"]),
    ("Луиза", ["Luiza"]),
    ("Мадина", ["Madina"]),
    ("Петимат", ["Petimat"]),
    ("Седа", ["Seda"]),
    ("Тамара", ["Tamara"]),
    ("Хава", ["Khava", "Hava"]),
]
SURNAMES = [
    ("Умаров", ["Umarov"]),
    ("Дудаев", ["Dudaev", "Dudayev"]),
    ("Алиев", ["Aliev", "Aliyev"]),
    ("Кадыров", ["Kadyrov", "Kadirov"]),
    ("Бисултанов", ["Bisultanov"]),
    ("Эльдаров", ["Eldarov", "Elʹdarov"]),
    ("Мусаев", ["Musaev", "Musayev"]),
    ("Ахмадов", ["Akhmadov", "Ahmadov"]),
    ("Цакаев", ["Tsakaev", "Tzakaev", "Cakaev"]),
    ("Газиев", ["Gaziev", "Gaziyev"]),
    ("Хасанов", ["Khasanov", "Hasanov"]),
    ("Даудов", ["Daudov"]),
    ("Юсупов", ["Yusupov", "Iusupov", "Jusupov"]),
    ("Исмаилов", ["Ismailov", "Ismaylov"]),
    ("Бекмурзаев", ["Bekmurzaev"]),
    ("Яндиев", ["Yandiev", "Iandiev"]),
    ("Садулаев", ["Sadulaev", "Sadullaev"]),
    ("Висаитов", ["Visaitov"]),
]
# More surnames from common roots, so that names are about as varied as in
# real lists (many people still share one).
ROOTS = [
    ("Абдул", "Abdul"), ("Алхаз", "Alkhaz"), ("Бат", "Bat"), ("Бачаг", "Bachag"),
    ("Вах", "Vakh"), ("Габис", "Gabis"), ("Гайр", "Gair"), ("Дад", "Dad"),
    ("Джабраил", "Dzhabrail"),
    ("Заур", "Zaur"), ("Ибис", "Ibis"), ("Ильяс", "Ilyas"), ("Кураш", "Kurash"),
    ("Лорс", "Lors"), ("Магомад", "Magomad"), ("Мамак", "Mamak"), ("Мурт", "Murt"),
    ("Нухаж", "Nukhazh"), ("Оздам", "Ozdam"), ("Пашт", "Pasht"), ("Расамбек", "Rasambek"),
    ("Сайдул", "Saidul"), ("Селимх", "Selimkh"), ("Тагир", "Tagir"), ("Терб", "Terb"),
    ("Уцми", "Utsmi"), ("Хабил", "Khabil"), ("Хадж", "Khadzh"), ("Хамзат", "Khamzat"),
    ("Цицк", "Tsitsk"), ("Чапан", "Chapan"), ("Шамил", "Shamil"), ("Эдилсолт", "Edilsolt"),
    ("Юнус", "Yunus"), ("Ясух", "Yasukh"), ("Ахъяд", "Akhyad"), ("Бувайс", "Buvais"),
    ("Висх", "Viskh"), ("Джамалд", "Dzhamald"), ("Ибрагимх", "Ibragimkh"),
]  # fmt: skip
SUFFIXES = [("ов", ["ov"]), ("аев", ["aev", "ayev"]), ("иев", ["iev", "iyev"])]
for _root_cyr, _root_lat in ROOTS:
    for _suffix_cyr, _suffix_lat in SUFFIXES:
        SURNAMES.append((_root_cyr + _suffix_cyr, [_root_lat + ending for ending in _suffix_lat]))
PLACES = [
    ("Грозный", ["Grozny", "Groznyy", "Soelzha-Ghala"]),
    ("Аргун", ["Argun", "Ustrada-Ghala"]),
    ("Гудермес", ["Gudermes", "Gumse"]),
    ("Шали", ["Shali", "Shela"]),
    ("Урус-Мартан", ["Urus-Martan", "Khalkha-Martan"]),
]


@dataclass(frozen=True)
class Person:
    id: int
    given: tuple[str, list[str]]
    surname: tuple[str, list[str]]
    female: bool
    birth_year: int
    place: tuple[str, list[str]]
    birthday: tuple[int, int] = (1, 1)  # day, month


@dataclass(frozen=True)
class Record:
    list_name: str
    record_id: str
    person_id: int  # the truth, for evaluation only
    name: str
    birth: str  # "1987", "12.03.1987", "~30 years", ""
    place: str


def _people(count: int, rng: random.Random) -> list[Person]:
    people = []
    for number in range(count):
        female = rng.random() < 0.2
        given = rng.choice(FEMALE_GIVEN if female else MALE_GIVEN)
        people.append(
            Person(
                id=number,
                given=given,
                surname=rng.choice(SURNAMES),
                female=female,
                birth_year=rng.randint(1960, 2002),
                place=rng.choice(PLACES),
                birthday=(rng.randint(1, 28), rng.randint(1, 12)),
            )
        )
    return people


def _surname(person: Person, cyrillic: bool, rng: random.Random) -> str:
    base_cyr, latin_forms = person.surname
    if cyrillic:
        text = base_cyr
        female_form = text + "а"
    else:
        text = rng.choice(latin_forms)
        female_form = text + "a"
    # Women take the female form, but sources sometimes write the male one.
    return female_form if person.female and rng.random() < 0.85 else text


def _name(person: Person, style: dict[str, float], rng: random.Random) -> str:
    cyrillic = rng.random() < style["cyrillic"]
    given = person.given[0] if cyrillic else rng.choice(person.given[1])
    surname = _surname(person, cyrillic, rng)
    if rng.random() < style["initials"]:
        given = given[0] + "."
    if rng.random() < style["surname_first"]:
        return f"{surname} {given}"
    return f"{given} {surname}"


def _birth(person: Person, style: dict[str, float], rng: random.Random, year: int) -> str:
    roll = rng.random()
    if roll < style["no_birth"]:
        return ""
    if roll < style["no_birth"] + style["age"]:
        return f"~{year - person.birth_year + rng.choice([-1, 0, 0, 1])} years"
    if rng.random() < 0.5:
        day, month = person.birthday
        return f"{day:02d}.{month:02d}.{person.birth_year}"
    return str(person.birth_year)


# Each list: how likely it records someone (by a latent visibility), and how it writes.
LIST_STYLES: dict[str, dict[str, float]] = {
    "ngo": {"base": 0.55, "cyrillic": 0.9, "initials": 0.05, "surname_first": 0.8,
            "no_birth": 0.1, "age": 0.1},
    "local_press": {"base": 0.35, "cyrillic": 1.0, "initials": 0.3, "surname_first": 0.5,
                    "no_birth": 0.6, "age": 0.3},
    "foreign_press": {"base": 0.25, "cyrillic": 0.0, "initials": 0.2, "surname_first": 0.1,
                      "no_birth": 0.7, "age": 0.25},
    "french_press": {"base": 0.15, "cyrillic": 0.0, "initials": 0.3, "surname_first": 0.2,
                     "no_birth": 0.8, "age": 0.2},
    "report": {"base": 0.4, "cyrillic": 0.3, "initials": 0.0, "surname_first": 0.6,
               "no_birth": 0.2, "age": 0.1},
}  # fmt: skip


def generate(
    people: int = 3000, lists: int = 5, seed: int = 0, year: int = 2017
) -> tuple[list[Record], int]:
    """Records of ``lists`` lists about ``people`` true people; returns the
    records and the number of people who are on at least one list."""
    rng = random.Random(seed)
    population = _people(people, rng)
    # Visibility makes capture heterogeneous and correlated across lists.
    visibility = {p.id: rng.betavariate(2, 3) * 2 for p in population}
    names = list(LIST_STYLES)[:lists]
    records: list[Record] = []
    seen = set()
    for list_name in names:
        style = LIST_STYLES[list_name]
        for person in population:
            if rng.random() < min(0.95, style["base"] * visibility[person.id]):
                seen.add(person.id)
                records.append(
                    Record(
                        list_name=list_name,
                        record_id=f"{list_name}-{len(records)}",
                        person_id=person.id,
                        name=_name(person, style, rng),
                        birth=_birth(person, style, rng, year),
                        place=person.place[0]
                        if style["cyrillic"] > 0.5
                        else rng.choice(person.place[1]),
                    )
                )
    return records, len(seen)
