"""Five simulated victim lists of the same events, each in the conventions
its kind of source really uses, with the truth kept apart.

- An NGO's testimonies (Russian, Cyrillic): "Фамилия Имя Отчество",
  dates of birth as dates or "1994 г.р.", "с. Цоци-Юрт Курчалоевского
  района", detention dates as dates or "в конце марта 2017 года".
- A Russian newspaper: "Имя Фамилия", "Фамилия И.", "Хамзат Ч.", names changed to
  protect people ("Ахмед (имя изменено)"), ages at publication ("28 лет",
  "около 30", a bare "28"), "житель Аргуна", "в конце марта" without a
  year; it takes many of its cases from the NGO.
- The English-language press: BGN/PCGN as newsrooms write it (kh often h,
  Mohammed and Hussein for Магомед and Хусейн), "M. Umarov", "Alvi K.", ages as "28"
  or "in his 20s", "Grozny, the Chechen capital", "late March 2017",
  "spring 2017"; it takes most of its cases from the Russian newspaper.
- An international body's report: separate columns, SURNAME often in
  capitals, each case romanised by whoever took it (ICAO passports,
  BGN/PCGN, scholarly, ISO 9, GOST 7.79-B), years of birth, "2017-Q2".
- French asylum files: NOM in capitals, Prénom, French or passport (ICAO)
  romanisation, sometimes German (people who came through Germany), birth
  dates with 01/01 or XX/XX for an unknown day, "fin mars 2017",
  "printemps 2017". People reach it by fleeing, not by being in the news.

Who is on which list is heterogeneous (people differ in how visible they
are) and dependent (the press copies the NGO and each other); many people
are on no list; every list holds some people twice.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from safepassage.analysis.simulated import population, romanize
from safepassage.analysis.simulated.population import Person
from safepassage.analysis.simulated.writing import (
    age_at,
    en_event,
    fr_event,
    given_in_english,
    given_of,
    initial,
    latin_place,
    patronymic_of,
    quarter_event,
    romanised,
    ru_event,
    ru_place,
    surname_of,
    typo,
)

PSEUDONYMS_RU = ["Ахмед", "Ислам", "Руслан", "Адам", "Муса", "Хасан", "Лечи", "Ваха"]
PSEUDONYMS_RU_WOMEN = ["Мадина", "Хеда", "Амина", "Зарема", "Малика"]
PSEUDONYMS_EN = ["Ahmed", "Islam", "Ruslan", "Adam", "Musa", "Hassan", "Ali", "Timur"]
PSEUDONYMS_EN_WOMEN = ["Madina", "Kheda", "Amina", "Zarema", "Leila"]


@dataclass
class SimulatedList:
    """One list as its source gives it: its column titles and rows (the
    list's own words), which column is which of ours, and the truth."""

    name: str
    columns: list[str]
    mapping: dict[str, str]  # our key -> the list's column
    rows: list[dict[str, str]] = field(default_factory=list)
    people: list[int] = field(default_factory=list)  # the true person of each row

    def add(self, person: Person, values: dict[str, str]) -> None:
        values[self.mapping["id"]] = f"{self.name[:3].upper()}-{len(self.rows) + 1:04d}"
        self.rows.append({column: values.get(column, "") for column in self.columns})
        self.people.append(person.id)


def _maybe_typo(word: str, rng: random.Random, rate: float) -> str:
    return typo(word, rng) if rng.random() < rate else word


def ngo(person: Person, out: SimulatedList, rng: random.Random) -> None:
    surname = _maybe_typo(surname_of(person, rng), rng, 0.03)
    given = given_of(person, rng, 0.25)
    roll = rng.random()
    if roll < 0.7:
        name = f"{surname} {given} {patronymic_of(person)}"
    elif roll < 0.88:
        name = f"{surname} {given}"
    else:
        name = f"{surname} {given[0]}. {patronymic_of(person)[0]}."
    roll = rng.random()
    birth = (
        person.born.strftime("%d.%m.%Y")
        if roll < 0.5
        else f"{person.born.year} г.р."
        if roll < 0.75
        else ""
    )
    home = person.held_at if rng.random() < 0.04 else person.home
    roll = rng.random()
    held = (
        person.held_on.strftime("%d.%m.%Y")
        if roll < 0.55
        else ru_event(person.held_on, rng)
        if roll < 0.9
        else ""
    )
    out.add(
        person,
        {
            "ФИО": name,
            "Дата рождения": birth,
            "Место жительства": ru_place(home, rng),
            "Дата задержания": held,
            "Место содержания": rng.choice([person.held_at, f"{person.held_at}, отдел полиции"]),
            "Что произошло": rng.choice(["задержание", "пытки", "задержание, пытки"]),
        },
    )


def _years(age: int) -> str:
    """Russian for "years" after a number: 21 год, 22 года, 25 лет."""
    if age % 10 == 1 and age % 100 != 11:
        return "год"
    if age % 10 in (2, 3, 4) and age % 100 not in (12, 13, 14):
        return "года"
    return "лет"


def newspaper(person: Person, out: SimulatedList, rng: random.Random) -> None:
    published = person.held_on + datetime.timedelta(days=rng.randint(10, 90))
    surname = _maybe_typo(surname_of(person, rng), rng, 0.04)
    given = given_of(person, rng, 0.35)
    roll = rng.random()
    if roll < 0.12:
        chosen = rng.choice(PSEUDONYMS_RU_WOMEN if person.female else PSEUDONYMS_RU)
        name = f"{chosen} (имя изменено)"
    elif roll < 0.135:
        name = f"{given[0]}. {surname[0]}."
    elif roll < 0.15:  # the surname hidden behind its initial: "Хамзат Ч."
        name = f"{given} {surname[0]}."
    elif roll < 0.55:
        name = f"{given} {surname}"
    elif roll < 0.7:
        name = f"{surname} {given}"
    elif roll < 0.85:
        name = f"{surname} {given[0]}."
    else:
        name = f"{given[0]}. {surname}"
    age = age_at(person, published) + (rng.choice([-1, 1]) if rng.random() < 0.1 else 0)
    roll = rng.random()
    age_text = (
        f"{age} {_years(age)}"
        if roll < 0.4
        else str(age)
        if roll < 0.6
        else f"около {round(age, -1)}"
        if roll < 0.7
        else ""
    )
    roll = rng.random()
    held = (
        ru_event(person.held_on, rng, year=False)
        if roll < 0.35
        else ru_event(person.held_on, rng)
        if roll < 0.75
        else person.held_on.strftime("%d.%m.%Y")
        if roll < 0.9
        else ""
    )
    out.add(
        person,
        {
            "Герой публикации": name,
            "Возраст": age_text,
            "Дата публикации": published.strftime("%d.%m.%Y"),
            "Откуда": ru_place(person.home, rng, genitive=rng.random() < 0.6),
            "Когда задержан": held,
            "Где содержался": person.held_at if rng.random() < 0.6 else "",
        },
    )


def english_press(person: Person, out: SimulatedList, rng: random.Random) -> None:
    published = person.held_on + datetime.timedelta(days=rng.randint(20, 150))
    surname = _maybe_typo(romanised(surname_of(person, rng, 0.3), "english", rng), rng, 0.04)
    given = given_in_english(given_of(person, rng, 0.2), rng)
    roll = rng.random()
    pronoun = "her" if person.female else "his"
    if roll < 0.07:
        chosen = rng.choice(PSEUDONYMS_EN_WOMEN if person.female else PSEUDONYMS_EN)
        name = f"{chosen} (not {pronoun} real name)"
    elif roll < 0.08:
        name = f"{given[0]}. {surname[0]}."
    elif roll < 0.09:  # "Alvi K."
        name = f"{given} {surname[0]}."
    elif roll < 0.8:
        name = f"{given} {surname}"
    else:
        name = f"{initial(given)} {surname}"
    age = age_at(person, published)
    roll = rng.random()
    age_text = (
        str(age)
        if roll < 0.5
        else f"in {pronoun} {age // 10 * 10}s"
        if roll < 0.65
        else f"about {round(age, -1)}"
        if roll < 0.72
        else ""
    )
    out.add(
        person,
        {
            "Name": name,
            "Age": age_text,
            "Published": published.strftime("%Y-%m-%d"),
            "Hometown": latin_place(person.home, "english", rng),
            "Detained": en_event(person.held_on, rng) if rng.random() < 0.85 else "",
            "Held at": latin_place(person.held_at, "english", rng) if rng.random() < 0.4 else "",
        },
    )


REPORT_SYSTEMS = [("icao", 35), ("bgn", 30), ("scholarly", 15), ("iso9", 10), ("gost_b", 10)]


def report(person: Person, out: SimulatedList, rng: random.Random) -> None:
    system = population.pick(rng, REPORT_SYSTEMS)
    surname = romanised(surname_of(person, rng, 0.1), system, rng)
    given = romanised(given_of(person, rng, 0.2), system, rng)
    surname = _maybe_typo(surname, rng, 0.03)
    if rng.random() < 0.5:
        surname = surname.upper()
    if rng.random() < 0.04:  # typed into each other's columns
        surname, given = given, surname
    out.add(
        person,
        {
            "Surname": surname,
            "Given name": given,
            "Patronymic": romanised(patronymic_of(person), system, rng)
            if rng.random() < 0.5
            else "",
            "Sex": "F" if person.female else "M",
            "Year of birth": str(person.born.year) if rng.random() < 0.6 else "",
            "Residence": latin_place(person.home, system, rng),
            "Period of detention": quarter_event(person.held_on, rng),
            "Place of detention": latin_place(person.held_at, system, rng),
        },
    )


ASYLUM_SYSTEMS = [("french", 55), ("icao", 35), ("german", 10)]


def asylum(person: Person, out: SimulatedList, rng: random.Random) -> None:
    system = population.pick(rng, ASYLUM_SYSTEMS)
    surname = _maybe_typo(romanised(surname_of(person, rng), system, rng), rng, 0.02)
    given = romanised(given_of(person, rng, 0.15), system, rng)
    roll = rng.random()
    born = person.born
    if roll < 0.45:
        birth = born.strftime("%d/%m/%Y")
    elif roll < 0.5 and born.day <= 12:  # day and month swapped
        birth = born.strftime("%m/%d/%Y")
    elif roll < 0.75:
        birth = f"01/01/{born.year}"
    elif roll < 0.85:
        birth = f"XX/XX/{born.year}"
    else:
        birth = ""
    out.add(
        person,
        {
            "NOM": surname.upper() if rng.random() < 0.9 else surname,
            "Prénom": given,
            "Sexe": "F" if person.female else "M",
            "Date de naissance": birth,
            "Lieu de résidence": latin_place(
                person.home, system if system != "german" else "french", rng
            ),
            "Date des faits": fr_event(person.held_on, rng) if rng.random() < 0.9 else "",
        },
    )


def _lists() -> list[SimulatedList]:
    return [
        SimulatedList(
            "NGO testimonies",
            [
                "№ п/п",
                "ФИО",
                "Дата рождения",
                "Место жительства",
                "Дата задержания",
                "Место содержания",
                "Что произошло",
            ],
            {
                "id": "№ п/п",
                "name": "ФИО",
                "birth": "Дата рождения",
                "place": "Место жительства",
                "event_date": "Дата задержания",
                "detention_place": "Место содержания",
                "act": "Что произошло",
            },
        ),
        SimulatedList(
            "Russian newspaper",
            [
                "id",
                "Герой публикации",
                "Возраст",
                "Дата публикации",
                "Откуда",
                "Когда задержан",
                "Где содержался",
            ],
            {
                "id": "id",
                "name": "Герой публикации",
                "age": "Возраст",
                "age_date": "Дата публикации",
                "place": "Откуда",
                "event_date": "Когда задержан",
                "detention_place": "Где содержался",
            },
        ),
        SimulatedList(
            "English-language press",
            ["Ref", "Name", "Age", "Published", "Hometown", "Detained", "Held at"],
            {
                "id": "Ref",
                "name": "Name",
                "age": "Age",
                "age_date": "Published",
                "place": "Hometown",
                "event_date": "Detained",
                "detention_place": "Held at",
            },
        ),
        SimulatedList(
            "International report",
            [
                "Case No.",
                "Surname",
                "Given name",
                "Patronymic",
                "Sex",
                "Year of birth",
                "Residence",
                "Period of detention",
                "Place of detention",
            ],
            {
                "id": "Case No.",
                "surname": "Surname",
                "given": "Given name",
                "patronymic": "Patronymic",
                "sex": "Sex",
                "birth": "Year of birth",
                "place": "Residence",
                "event_date": "Period of detention",
                "detention_place": "Place of detention",
            },
        ),
        SimulatedList(
            "Asylum files",
            [
                "N° dossier",
                "NOM",
                "Prénom",
                "Sexe",
                "Date de naissance",
                "Lieu de résidence",
                "Date des faits",
            ],
            {
                "id": "N° dossier",
                "surname": "NOM",
                "given": "Prénom",
                "sex": "Sexe",
                "birth": "Date de naissance",
                "place": "Lieu de résidence",
                "event_date": "Date des faits",
            },
        ),
    ]


WRITERS = [ngo, newspaper, english_press, report, asylum]
# Each list holds this share of its people twice (two testimonies, two articles).
TWICE = [0.05, 0.05, 0.06, 0.03, 0.02]


def generate(people: int = 3000, seed: int = 0) -> tuple[list[SimulatedList], int]:
    """Five lists about `people` simulated people; returns them and how many
    people are on at least one."""
    rng = random.Random(seed)
    everyone = population.people(people, rng)
    lists = _lists()
    on: list[set[int]] = [set() for _ in lists]
    for person in everyone:
        visible = rng.betavariate(1.2, 3.0)  # how much attention a case drew
        fled = rng.random() < 0.12
        chances = [0.15 + 0.9 * visible, 0.0, 0.0, 0.08 + 0.5 * visible, 0.75 if fled else 0.01]
        in_ngo = rng.random() < min(0.95, chances[0])
        chances[1] = (0.25 + 0.6 * visible) if in_ngo else 0.04 + 0.2 * visible
        in_paper = rng.random() < min(0.95, chances[1])
        chances[2] = 0.45 if in_paper else 0.03 + 0.15 * visible
        found = [in_ngo, in_paper, rng.random() < chances[2]]
        found += [rng.random() < min(0.95, chances[3]), rng.random() < chances[4]]
        for number, listed in enumerate(found):
            if not listed:
                continue
            on[number].add(person.id)
            WRITERS[number](person, lists[number], rng)
            if rng.random() < TWICE[number]:
                WRITERS[number](person, lists[number], rng)
    for item in lists:  # the order of a list says nothing of the person
        order = list(range(len(item.rows)))
        rng.shuffle(order)
        item.rows = [item.rows[i] for i in order]
        item.people = [item.people[i] for i in order]
        for number, row in enumerate(item.rows, start=1):
            row[item.mapping["id"]] = f"{item.name[:3].upper()}-{number:04d}"
    return lists, len(set().union(*on))


__all__ = ["SimulatedList", "generate", "romanize"]
