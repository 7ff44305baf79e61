"""The invented people of the demo programme: names, contact handles and
requests for help, drawn from a seeded random generator so every run of
`safepassage demo` gives the same programme.

Every name is clearly fictional: common given names with surnames made
up for the demo ("Демоев", "Vymyslova": from "demo" and "вымысел",
fiction), every telephone number starts with +00 (no country has that
code), and every story says it is a demo. Nothing here describes a real
person or event.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from safepassage.cases.opening import Contact, Identity, Location
from safepassage.intake.payload import (
    RequestContact,
    RequestHousehold,
    RequestLocation,
    RequestPayload,
)

# Given names, (Cyrillic, Latin), for men and for women.
MEN = [
    ("Зелимхан", "Zelimkhan"),
    ("Руслан", "Ruslan"),
    ("Аслан", "Aslan"),
    ("Мовсар", "Movsar"),
    ("Ислам", "Islam"),
    ("Ибрагим", "Ibragim"),
    ("Адам", "Adam"),
    ("Тимур", "Timur"),
    ("Магомед", "Magomed"),
    ("Сулим", "Sulim"),
    ("Артём", "Artyom"),
    ("Беслан", "Beslan"),
]
WOMEN = [
    ("Хеда", "Kheda"),
    ("Зарема", "Zarema"),
    ("Амина", "Amina"),
    ("Малика", "Malika"),
    ("Лейла", "Leila"),
    ("Седа", "Seda"),
    ("Мадина", "Madina"),
    ("Дарья", "Darya"),
]
# Surnames invented for the demo, as (Cyrillic man, Cyrillic woman, Latin man, Latin woman).
SURNAMES = [
    ("Демоев", "Демоева", "Demoev", "Demoeva"),
    ("Вымыслов", "Вымыслова", "Vymyslov", "Vymyslova"),
    ("Примеров", "Примерова", "Primerov", "Primerova"),
    ("Небылицын", "Небылицына", "Nebylitsyn", "Nebylitsyna"),
    ("Сказкин", "Сказкина", "Skazkin", "Skazkina"),
    ("Выдумов", "Выдумова", "Vydumov", "Vydumova"),
    ("Понарошкин", "Понарошкина", "Ponaroshkin", "Ponaroshkina"),
    ("Образчиков", "Образчикова", "Obrazchikov", "Obrazchikova"),
]

# What people write, in their language: (what happened, what help they ask).
STORIES = {
    "ru": [
        ("(Демо) Меня задержали на блокпосту и требовали назвать знакомых.", "Нужно укрытие."),
        ("(Демо) Родственники узнали обо мне и угрожают.", "Помогите уехать."),
        ("(Демо) Мои фотографии разослали в общий чат.", "Нужен совет и укрытие."),
        ("(Демо) Друга забрали, теперь ищут меня.", "Нужно уехать из республики."),
        ("(Демо) Меня держали несколько дней и отпустили.", "Нужна виза и место, где жить."),
        ("(Демо) Брат сказал, что семья решит вопрос со мной.", "Нужно срочно уехать."),
    ],
    "en": [
        ("(Demo) I was stopped at a checkpoint and they went through my phone.", "A safe place."),
        ("(Demo) My family found out and threatens me.", "Help to leave."),
        ("(Demo) Someone posted my photo in a group chat.", "Advice, and a place to stay."),
    ],
    "fr": [
        ("(Démo) J'ai été arrêté la semaine dernière, puis relâché.", "Un visa."),
        ("(Démo) Ma famille me menace depuis qu'elle sait.", "Partir en sécurité."),
    ],
}
SITUATION_URGENCY = {"immediate": 3, "hiding": 2, "detained": 2, "family": 1, "outed": 1}
RELATIONSHIPS = {
    "ru": ["сестра", "брат", "мать", "партнёр", "сын", "дочь"],
    "other": ["sister", "brother", "mother", "partner", "son", "daughter"],
}


@dataclass
class Invented:
    """One invented person asking for help, and who travels with them."""

    name: str
    cyrillic: bool
    woman: bool
    surname: tuple[str, str, str, str]
    handle: str
    method: str
    area: str
    place: str
    members: list[Identity] = field(default_factory=list)


class People:
    """A seeded source of invented people (the same people on every run)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.handles = 0

    def _name(self, woman: bool, cyrillic: bool, surname: tuple[str, ...]) -> str:
        given = self.rng.choice(WOMEN if woman else MEN)[0 if cyrillic else 1]
        family = surname[(0 if cyrillic else 2) + (1 if woman else 0)]
        return f"{given} {family}"

    def handle(self, method: str) -> str:
        self.handles += 1
        if method == "telegram":
            return f"@demo_{self.handles:04d}"
        if method == "email":
            return f"demo{self.handles:04d}@example.invalid"
        return f"+00 000 {self.handles:04d}"

    def person(self, *, cyrillic: bool, members: int = 0) -> Invented:
        rng = self.rng
        surname = rng.choice(SURNAMES)
        woman = rng.random() < 0.35
        method = rng.choice(["signal", "signal", "telegram", "phone", "email"])
        area = rng.choices(["chechnya", "caucasus", "russia"], weights=[7, 2, 1])[0]
        places = {"chechnya": ["Grozny", "Argun", "Gudermes"], "caucasus": ["Nalchik"]}
        invented = Invented(
            name=self._name(woman, cyrillic, surname),
            cyrillic=cyrillic,
            woman=woman,
            surname=surname,
            handle=self.handle(method),
            method=method,
            area=area,
            place=rng.choice(places.get(area, ["Moscow"])),
        )
        words = RELATIONSHIPS["ru" if cyrillic else "other"]
        for _ in range(members):
            index = rng.randrange(len(words))
            member_is_woman = index in (0, 2, 5)
            minor = index in (4, 5) and rng.random() < 0.7
            invented.members.append(
                Identity(
                    name=self._name(member_is_woman, cyrillic, surname),
                    relationship=words[index],
                    age=rng.randint(4, 16) if minor else rng.randint(19, 60),
                )
            )
        return invented

    def request(self, invented: Invented, *, language: str, household: int) -> RequestPayload:
        """What ``invented`` wrote in the public form."""
        rng = self.rng
        happened, help_ = rng.choice(STORIES[language])
        situation = rng.sample(list(SITUATION_URGENCY), rng.choice([1, 1, 2]))
        notes = {"ru": "(демо) со мной едут родные", "en": "(demo) my family comes with me"}
        return RequestPayload(
            lang=language,
            name=invented.name,
            happened=happened,
            help=help_,
            situation=situation,
            urgency_level=max(SITUATION_URGENCY[key] for key in situation),
            contacts=[RequestContact(invented.method, invented.handle)],
            location=RequestLocation(invented.area, invented.place),
            household=RequestHousehold(
                household, notes.get(language, notes["en"]) if household else ""
            ),
        )

    def identity(self, invented: Invented) -> Identity:
        """The principal as a caseworker records them after a call to the hotline."""
        return Identity(
            name=invented.name,
            contacts=[Contact(invented.method, invented.handle)],
            location=Location(invented.area, invented.place),
            gender=self.rng.choice(
                ["lesbian", "bisexual", ""] if invented.woman else ["gay man", "bisexual", ""]
            ),
        )
