"""How each kind of source writes a person: names, ages, dates and places
in its own language, script and habits, and the mistakes people make."""

from __future__ import annotations

import datetime
import random

from safepassage.analysis.simulated import romanize
from safepassage.analysis.simulated.population import Person

# English-language conventional spellings of Arabic names.
ENGLISH_CONVENTIONAL = {
    "Магомед": "Mohammed", "Хусейн": "Hussein", "Умар": "Omar", "Юсуп": "Yusuf",
    "Ибрагим": "Ibrahim", "Сулейман": "Suleiman", "Ахмед": "Ahmed", "Хасан": "Hassan",
    "Иса": "Issa", "Муса": "Musa", "Абубакар": "Abu Bakr", "Абдулла": "Abdullah",
    "Халид": "Khalid", "Идрис": "Idris", "Билал": "Bilal", "Фатима": "Fatima",
    "Марьям": "Maryam", "Аюб": "Ayub", "Мурад": "Murad",
}  # fmt: skip
MONTHS_RU_GENITIVE = [
    "января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
    "октября", "ноября", "декабря",
]  # fmt: skip
MONTHS_RU = [
    "январь", "февраль", "март", "апрель", "май", "июнь", "июль", "август", "сентябрь",
    "октябрь", "ноябрь", "декабрь",
]  # fmt: skip
MONTHS_RU_PREPOSITIONAL = [
    "январе", "феврале", "марте", "апреле", "мае", "июне", "июле", "августе", "сентябре",
    "октябре", "ноябре", "декабре",
]  # fmt: skip
MONTHS_EN = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]  # fmt: skip
MONTHS_FR = [
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre",
]  # fmt: skip
SEASON_OF_MONTH = {12: 0, 1: 0, 2: 0, 3: 1, 4: 1, 5: 1, 6: 2, 7: 2, 8: 2, 9: 3, 10: 3, 11: 3}
SEASONS = {
    "ru": ["зима", "весна", "лето", "осень"],
    "ru_instrumental": ["зимой", "весной", "летом", "осенью"],
    "en": ["winter", "spring", "summer", "autumn"],
    "fr": ["hiver", "printemps", "été", "automne"],
}
# A town's name in the Russian genitive (for "житель Аргуна").
GENITIVE = {
    "Грозный": "Грозного", "Аргун": "Аргуна", "Гудермес": "Гудермеса", "Шали": "Шали",
    "Урус-Мартан": "Урус-Мартана", "Цоци-Юрт": "Цоци-Юрта", "Майртуп": "Майртупа",
    "Курчалой": "Курчалоя", "Ачхой-Мартан": "Ачхой-Мартана", "Ножай-Юрт": "Ножай-Юрта",
    "Старые Атаги": "Старых Атагов", "Автуры": "Автуров", "Самашки": "Самашек",
    "Гехи": "Гехов", "Наурская": "Наурской", "Ведено": "Ведено", "Шатой": "Шатоя",
    "Алхан-Кала": "Алхан-Калы", "Джалка": "Джалки", "Бачи-Юрт": "Бачи-Юрта",
}  # fmt: skip
CITIES = {"Грозный", "Аргун", "Гудермес"}
STANITSAS = {"Наурская"}
# Chechen names and historical ones a source may use instead.
OTHER_NAMES = {
    "Грозный": ["Соьлжа-ГӀала", "Соьлжа-Г1ала", "Джохар"],
    "Аргун": ["Устрада-ГӀала"],
    "Урус-Мартан": ["Хьалха-Марта"],
    "Гудермес": ["Гуьмсе"],
    "Шали": ["Шела"],
}
DISTRICT_OF = {
    "Цоци-Юрт": "Курчалоевского", "Майртуп": "Курчалоевского", "Бачи-Юрт": "Курчалоевского",
    "Курчалой": "Курчалоевского", "Автуры": "Шалинского", "Старые Атаги": "Грозненского",
    "Алхан-Кала": "Грозненского", "Гехи": "Урус-Мартановского", "Самашки": "Ачхой-Мартановского",
    "Ачхой-Мартан": "Ачхой-Мартановского", "Ножай-Юрт": "Ножай-Юртовского",
    "Джалка": "Гудермесского", "Ведено": "Веденского", "Шатой": "Шатойского",
}  # fmt: skip
DISTRICT_TOWN = {
    "Курчалоевского": "Kurchaloy", "Шалинского": "Shali", "Грозненского": "Grozny",
    "Урус-Мартановского": "Urus-Martan", "Ачхой-Мартановского": "Achkhoy-Martan",
    "Ножай-Юртовского": "Nozhay-Yurt", "Гудермесского": "Gudermes", "Веденского": "Vedeno",
    "Шатойского": "Shatoy",
}  # fmt: skip
KEYBOARD_NEIGHBOURS = {
    "a": "sqz", "e": "wr", "i": "uo", "o": "ip", "u": "yi", "s": "ad", "n": "bm", "m": "n",
    "r": "et", "t": "ry", "k": "jl", "l": "k", "d": "sf", "h": "gj", "v": "cb", "z": "xs",
    "а": "вп", "о": "лр", "е": "кн", "и": "мт", "у": "кц", "н": "ег", "м": "си", "р": "по",
    "с": "чм", "т": "иь", "в": "ыа", "л": "до", "д": "лж", "х": "зъ", "к": "уе",
}  # fmt: skip


def typo(word: str, rng: random.Random) -> str:
    """One slip of the keyboard: a letter missed, doubled, swapped with the
    next, or replaced by its neighbour on the keyboard."""
    if len(word) < 4:
        return word
    position = rng.randrange(1, len(word) - 1)
    kind = rng.random()
    if kind < 0.3:
        return word[:position] + word[position + 1 :]
    if kind < 0.5:
        return word[:position] + word[position] + word[position:]
    if kind < 0.7:
        return word[:position] + word[position + 1] + word[position] + word[position + 2 :]
    near = KEYBOARD_NEIGHBOURS.get(word[position].lower())
    return word[:position] + (rng.choice(near) if near else word[position]) + word[position + 1 :]


def female_surname(surname: str) -> str:
    return surname + "а"


def surname_of(person: Person, rng: random.Random, male_form_rate: float = 0.0) -> str:
    """The surname in Cyrillic: the female form for a woman, unless the
    source mistakes it."""
    if person.female and rng.random() >= male_form_rate:
        return female_surname(person.surname)
    return person.surname


def patronymic_of(person: Person) -> str:
    father = person.father.split("-")[0].split()[0]
    male, female = ("евич", "евна") if father.endswith(("и", "й", "ь")) else ("ович", "овна")
    if father.endswith(("а", "я")):
        father, male, female = father[:-1], "аевич", "аевна"
    elif father.endswith(("ь", "й")):
        father = father[:-1]
    return father + (female if person.female else male)


def given_of(person: Person, rng: random.Random, variants: float) -> str:
    """The given name: its usual form, or a variant spelling."""
    if len(person.given) > 1 and rng.random() < variants:
        return rng.choice(person.given[1:])
    return person.given[0]


def initial(word: str) -> str:
    return (
        word[:2] + "."
        if word[:2].lower() in ("kh", "sh", "ch", "zh", "ts", "yu", "ya")
        else (word[:1] + ".")
    )


def romanised(text: str, system: str, rng: random.Random) -> str:
    if system == "english":
        return romanize.english(text, soft_kh=rng.random() < 0.5)
    return romanize.SYSTEMS[system](text)


def given_in_english(cyrillic: str, rng: random.Random) -> str:
    conventional = ENGLISH_CONVENTIONAL.get(cyrillic)
    if conventional and rng.random() < 0.6:
        return conventional
    return romanised(cyrillic, "english", rng)


# --- Dates -------------------------------------------------------------------------


def part_of_month(day: int) -> int:
    return 0 if day <= 10 else 1 if day <= 20 else 2


def ru_event(day: datetime.date, rng: random.Random, year: bool = True) -> str:
    roll = rng.random()
    suffix = f" {day.year} года" if year else ""
    if roll < 0.4:
        part = ["в начале", "в середине", "в конце"][part_of_month(day.day)]
        return f"{part} {MONTHS_RU_GENITIVE[day.month - 1]}{suffix}"
    if roll < 0.7:
        return f"в {MONTHS_RU_PREPOSITIONAL[day.month - 1]}{suffix}"
    season = SEASONS["ru_instrumental"][SEASON_OF_MONTH[day.month]]
    if not year:
        return season
    if day.month == 12:
        return f"зимой {day.year}-{day.year + 1}"
    return f"{season} {day.year} года"


def en_event(day: datetime.date, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.25:
        return f"{day.day} {MONTHS_EN[day.month - 1]} {day.year}"
    if roll < 0.55:
        part = ["early", "mid-", "late"][part_of_month(day.day)]
        joiner = "" if part == "mid-" else " "
        return f"{part}{joiner}{MONTHS_EN[day.month - 1]} {day.year}"
    if roll < 0.8:
        return f"{MONTHS_EN[day.month - 1]} {day.year}"
    season = SEASONS["en"][SEASON_OF_MONTH[day.month]]
    if season == "winter":
        first = day.year if day.month == 12 else day.year - 1
        return f"winter {first}-{str(first + 1)[2:]}"
    return f"{season} {day.year}"


def fr_event(day: datetime.date, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.3:
        return day.strftime("%d/%m/%Y")
    if roll < 0.55:
        part = ["début", "mi-", "fin"][part_of_month(day.day)]
        joiner = "" if part == "mi-" else " "
        return f"{part}{joiner}{MONTHS_FR[day.month - 1]} {day.year}"
    if roll < 0.8:
        return f"{MONTHS_FR[day.month - 1]} {day.year}"
    season = SEASONS["fr"][SEASON_OF_MONTH[day.month]]
    if season == "hiver":
        first = day.year if day.month == 12 else day.year - 1
        return f"hiver {first}-{first + 1}"
    return f"{season} {day.year}"


def quarter_event(day: datetime.date, rng: random.Random) -> str:
    roll = rng.random()
    quarter = (day.month - 1) // 3 + 1
    if roll < 0.4:
        return f"{day.year}-Q{quarter}"
    if roll < 0.6 and day.month < 12:
        return f"{MONTHS_EN[day.month - 1]}-{MONTHS_EN[day.month]} {day.year}"
    if roll < 0.8:
        return en_event(day, rng)
    return str(day.year)


def age_at(person: Person, when: datetime.date) -> int:
    years = when.year - person.born.year
    if (when.month, when.day) < (person.born.month, person.born.day):
        years -= 1
    return years


# --- Places ------------------------------------------------------------------------


def ru_place(place: str, rng: random.Random, *, genitive: bool = False) -> str:
    if place in OTHER_NAMES and rng.random() < 0.08:
        return rng.choice(OTHER_NAMES[place])
    if genitive:
        form = GENITIVE.get(place, place)
        return rng.choice([f"житель {form}", f"из {form}", f"уроженец {form}"])
    prefix = "г." if place in CITIES else "ст." if place in STANITSAS else "с."
    text = f"{prefix} {place}" if rng.random() < 0.8 else place
    district = DISTRICT_OF.get(place)
    if district and rng.random() < 0.4:
        text += f" {district} района"
    return text


def latin_place(place: str, system: str, rng: random.Random) -> str:
    """A place in Latin letters as `system` writes it, or in English as the
    press does ("Grozny, the Chechen capital", "a village in the Kurchaloy
    district")."""
    if system == "english":
        if place == "Грозный":
            return rng.choice(["Grozny", "Grozny", "Grozny, the Chechen capital",
                               "the Chechen capital"])  # fmt: skip
        district = DISTRICT_OF.get(place)
        if district and rng.random() < 0.25:
            return f"a village in the {DISTRICT_TOWN[district]} district"
        return romanize.english(place).replace("Groznyy", "Grozny")
    if system == "french" and place == "Грозный":
        return rng.choice(["Grozny", "Grozny", "Groznyï"])
    return romanised(place, system, rng)
