"""A simulated population of detained people of the North Caucasus, in
families, for evaluating linkage.

Men's given names follow a steep distribution (Магомед and its variants
about one man in six, as in parts of the region), surnames come from clan
ancestors' names with -ов, -аев, -иев endings and a heavy tail of shared
ones, so that namesakes are common; a quarter of the people have a
sibling in the population who shares the surname, the father's name, the
home village and often the date and place of detention.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")

# Men's given names: (Cyrillic forms a source may write, weight). The first
# form is the usual one; others are spelling variants of the same name.
MEN = [
    (["Магомед", "Магамед", "Мохьмад", "Мухаммад", "Магомет"], 160),
    (["Ахмед", "Ахмад"], 45), (["Ислам"], 40), (["Рамзан", "Рамазан"], 30),
    (["Хусейн", "Хусайн", "Гусейн"], 25), (["Адам"], 25), (["Руслан"], 30),
    (["Умар"], 20), (["Ибрагим", "Ибрахим"], 20), (["Юсуп", "Юсуф"], 18),
    (["Хасан", "Гасан"], 18), (["Зелимхан"], 18), (["Аслан"], 18), (["Шамиль", "Шамил"], 16),
    (["Саид-Магомед", "Саидмагомед", "Саид Магомед"], 12), (["Хамзат"], 14), (["Мовсар"], 12),
    (["Алихан"], 10), (["Анзор"], 12), (["Апти"], 10), (["Арби"], 10), (["Бислан"], 8),
    (["Ваха"], 10), (["Вахид"], 6), (["Иса", "Исса"], 10), (["Муса", "Мусса"], 10),
    (["Лечи"], 8), (["Рустам"], 10), (["Салман"], 6), (["Сулейман", "Сулиман"], 8),
    (["Тимур"], 10), (["Турпал"], 5), (["Эльдар"], 6), (["Юнус"], 5), (["Абубакар"], 6),
    (["Альви"], 8), (["Адлан"], 7), (["Супьян", "Супян"], 6), (["Увайс"], 4),
    (["Байсангур"], 3), (["Бекхан"], 5), (["Джамбулат"], 4), (["Имран"], 5), (["Мурад"], 6),
    (["Висхан"], 4), (["Мовлади"], 6), (["Хож-Ахмед", "Хожахмед"], 4),
    (["Абдул-Хамид", "Абдулхамид"], 4), (["Сайд-Эми", "Сайдэми"], 3), (["Тамерлан"], 4),
    (["Асланбек"], 4), (["Ризван", "Резван"], 5), (["Шарани"], 3), (["Хасмагомед"], 3),
    (["Билал"], 4), (["Идрис"], 4), (["Аюб"], 4), (["Халид"], 4), (["Мансур"], 5),
    (["Дени"], 5), (["Беслан"], 5), (["Заур"], 5), (["Казбек"], 4), (["Нурди"], 3),
    (["Умар-Али"], 2), (["Хизир"], 3), (["Ислам-Бек"], 2), (["Абдулла"], 5), (["Муслим"], 5),
]  # fmt: skip
WOMEN = [
    (["Хеда"], 10), (["Зарема"], 10), (["Малика"], 10), (["Айшат", "Айша"], 8),
    (["Зулай"], 6), (["Петимат", "Патимат"], 8), (["Мадина"], 8), (["Луиза"], 6),
    (["Седа"], 6), (["Хава"], 6), (["Марьям", "Мариям"], 8), (["Элина"], 5), (["Зарина"], 6),
    (["Асет"], 4), (["Раиса"], 4), (["Фатима"], 5), (["Лиана"], 4), (["Макка"], 4),
    (["Милана"], 4), (["Ясира"], 2), (["Тамила"], 3), (["Амина", "Аминат"], 8),
]  # fmt: skip
# Ancestors' names that Chechen surnames are made from (Умар -> Умаров).
ROOTS = [
    "Умар", "Дуда", "Али", "Кадыр", "Бисултан", "Эльдар", "Муса", "Ахмад", "Цака", "Гази",
    "Хасан", "Дауд", "Юсуп", "Исмаил", "Бекмурза", "Янди", "Садула", "Висаит", "Магомад",
    "Хамзат", "Дени", "Эдилсолт", "Шамил", "Гайрбек", "Байсар", "Ибрагим", "Межид",
    "Абдурахман", "Сайдул", "Товсолт", "Шахид", "Мовла", "Хусейн", "Межи", "Тепса", "Юнус",
    "Вахит", "Дадаш", "Зелимхан", "Салман", "Арсамак", "Чапан", "Гайсум", "Эльмурза",
    "Бата", "Мусхаб", "Абу", "Хату", "Шовхал", "Джабраил", "Исраил", "Магомад", "Ахъяд",
    "Бачаг", "Бувайс", "Ибис", "Лорс", "Мамак", "Нухаж", "Расамбек", "Тагир", "Тимирбулат",
    "Цицк", "Эсамбай", "Ясух", "Алхаз", "Габис", "Джамалд", "Курбан", "Минкаил", "Ортсух",
    "Пашт", "Сугаип", "Хаджимурад", "Шериф", "Яхья", "Абзот", "Баргиш", "Висхан", "Гехин",
    "Дурдиш", "Жабраил", "Закри", "Идиг", "Кавтар", "Ломали", "Махмуд", "Наурбек", "Осма",
    "Руслан", "Сайпуди", "Темирсолт", "Умхад", "Хамид", "Чингиз", "Шахбулат", "Эзерхан",
]  # fmt: skip
ENDINGS = [("ов", 0.6), ("аев", 0.27), ("иев", 0.13)]
# Home places (Cyrillic nominative, a district) and their weights.
PLACES = [
    ("Грозный", 30), ("Аргун", 10), ("Гудермес", 8), ("Шали", 8), ("Урус-Мартан", 7),
    ("Цоци-Юрт", 5), ("Майртуп", 3), ("Курчалой", 4), ("Ачхой-Мартан", 4), ("Ножай-Юрт", 3),
    ("Старые Атаги", 3), ("Автуры", 3), ("Самашки", 3), ("Гехи", 2), ("Наурская", 2),
    ("Ведено", 2), ("Шатой", 1), ("Алхан-Кала", 2), ("Джалка", 1), ("Бачи-Юрт", 1),
]  # fmt: skip
# Where people were held: a place and the words a source may add.
DETENTION = [("Аргун", 40), ("Грозный", 25), ("Цоци-Юрт", 15), ("Центорой", 10), ("Гудермес", 10)]
# Waves of detention (first day, last day, weight).
WAVES = [
    ((datetime.date(2017, 2, 20), datetime.date(2017, 4, 30)), 60),
    ((datetime.date(2017, 5, 1), datetime.date(2017, 8, 31)), 10),
    ((datetime.date(2018, 12, 15), datetime.date(2019, 2, 15)), 30),
]


@dataclass(frozen=True)
class Person:
    id: int
    female: bool
    given: list[str]  # Cyrillic forms (the first the usual one)
    surname: str  # Cyrillic, male form
    father: str  # the father's given name (Cyrillic), for the patronymic
    born: datetime.date
    home: str
    held_at: str
    held_on: datetime.date
    family: int  # siblings share it


def pick(rng: random.Random, items: Sequence[tuple[T, int]]) -> T:
    """One of the items, as likely as its weight."""
    return rng.choices([item for item, _w in items], weights=[w for _i, w in items])[0]


def _surname_pool(rng: random.Random) -> list[tuple[str, float]]:
    pool = []
    for rank, root in enumerate(ROOTS, start=1):
        ending = rng.choices([e for e, _w in ENDINGS], weights=[w for _e, w in ENDINGS])[0]
        if root.endswith(("а", "у", "и")) and ending != "ов":
            name = root[:-1] + ending  # Дуда -> Дудаев
        elif root.endswith(("а", "у", "и")):
            name = root + "ев"  # Абу -> Абуев
        else:
            name = root + ending
        pool.append((name, 1 / rank**0.8))
    return pool


def people(count: int, rng: random.Random) -> list[Person]:
    """`count` people; about a quarter in pairs or threes of siblings."""
    surnames = _surname_pool(rng)
    found: list[Person] = []
    family = 0
    while len(found) < count:
        family += 1
        surname = rng.choices([s for s, _w in surnames], weights=[w for _s, w in surnames])[0]
        father = pick(rng, MEN)[0]
        home = pick(rng, PLACES)
        held_at = pick(rng, DETENTION)
        first, last = pick(rng, WAVES)
        held_on = first + datetime.timedelta(days=rng.randint(0, (last - first).days))
        size = rng.choices([1, 2, 3], weights=[75, 18, 7])[0]
        year = rng.randint(1965, 2001)
        for sibling in range(min(size, count - len(found))):
            female = rng.random() < 0.15
            names = WOMEN if female else MEN
            given = pick(rng, names)
            born = datetime.date(
                min(2001, year + sibling * rng.randint(1, 4)),
                rng.randint(1, 12),
                rng.randint(1, 28),
            )
            together = sibling == 0 or rng.random() < 0.6
            found.append(
                Person(
                    id=len(found),
                    female=female,
                    given=given,
                    surname=surname,
                    father=father,
                    born=born,
                    home=home,
                    held_at=held_at if together else pick(rng, DETENTION),
                    held_on=held_on
                    if together
                    else held_on + datetime.timedelta(days=rng.randint(-40, 40)),
                    family=family,
                )
            )
    return found
