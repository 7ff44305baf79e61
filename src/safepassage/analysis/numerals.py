"""Numbers from one to ninety-nine written in words, in Russian, English,
French and German, as lists write ages ("двадцать восемь лет", "в возрасте
тридцати двух лет", "двадцатипятилетний", "twenty-eight", "vingt-huit ans",
"soixante-douze ans", "achtundzwanzig Jahre"): `in_digits` puts digits in
their place, so that an age in words is read as the same age in digits.

Words are matched after `periods.normal` (lower case, no accents, ё as е,
ß as ss). The forms are generated from each language's rules for joining
tens and units, not listed by hand.
"""

from __future__ import annotations

import functools
import re

# Russian: each number's forms in the cases an age is written in (the
# nominative, "двадцать восемь лет"; the genitive, "в возрасте двадцати
# восьми лет", which is also the stem of "двадцативосьмилетний").
RUSSIAN_UNITS = {
    1: ("один", "одна", "одного", "одной", "одно"),
    2: ("два", "две", "двух"),
    3: ("три", "трех"),
    4: ("четыре", "четырех"),
    5: ("пять", "пяти"),
    6: ("шесть", "шести"),
    7: ("семь", "семи"),
    8: ("восемь", "восьми"),
    9: ("девять", "девяти"),
}
RUSSIAN_TEENS = {
    10: ("десять", "десяти"),
    11: ("одиннадцать", "одиннадцати"),
    12: ("двенадцать", "двенадцати"),
    13: ("тринадцать", "тринадцати"),
    14: ("четырнадцать", "четырнадцати"),
    15: ("пятнадцать", "пятнадцати"),
    16: ("шестнадцать", "шестнадцати"),
    17: ("семнадцать", "семнадцати"),
    18: ("восемнадцать", "восемнадцати"),
    19: ("девятнадцать", "девятнадцати"),
}
RUSSIAN_TENS = {
    20: ("двадцать", "двадцати"),
    30: ("тридцать", "тридцати"),
    40: ("сорок", "сорока"),
    50: ("пятьдесят", "пятидесяти"),
    60: ("шестьдесят", "шестидесяти"),
    70: ("семьдесят", "семидесяти"),
    80: ("восемьдесят", "восьмидесяти"),
    90: ("девяносто", "девяноста"),
}
# The stems that join a number to -летний in one word, where they differ
# from the genitive ("сорокалетний", "девяностолетний", "столетний" aside).
RUSSIAN_STEMS = {1: ("одно",), 40: ("сорока",), 90: ("девяносто",)}

ENGLISH_UNITS = {
    1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight",
    9: "nine", 10: "ten", 11: "eleven", 12: "twelve", 13: "thirteen", 14: "fourteen",
    15: "fifteen", 16: "sixteen", 17: "seventeen", 18: "eighteen", 19: "nineteen",
}  # fmt: skip
ENGLISH_TENS = {
    20: "twenty", 30: "thirty", 40: "forty", 50: "fifty", 60: "sixty", 70: "seventy",
    80: "eighty", 90: "ninety",
}  # fmt: skip

FRENCH_UNITS = {
    1: "un", 2: "deux", 3: "trois", 4: "quatre", 5: "cinq", 6: "six", 7: "sept", 8: "huit",
    9: "neuf", 10: "dix", 11: "onze", 12: "douze", 13: "treize", 14: "quatorze", 15: "quinze",
    16: "seize", 17: "dix-sept", 18: "dix-huit", 19: "dix-neuf",
}  # fmt: skip
# Tens that take units from one to nine; seventy and ninety in France are
# sixty and eighty with ten to nineteen (Belgium and Switzerland say
# septante, huitante or octante, nonante).
FRENCH_TENS = {
    20: "vingt", 30: "trente", 40: "quarante", 50: "cinquante", 60: "soixante",
    70: "septante", 80: "huitante", 90: "nonante",
}  # fmt: skip

GERMAN_UNITS = {
    1: "eins", 2: "zwei", 3: "drei", 4: "vier", 5: "funf", 6: "sechs", 7: "sieben", 8: "acht",
    9: "neun", 10: "zehn", 11: "elf", 12: "zwolf", 13: "dreizehn", 14: "vierzehn",
    15: "funfzehn", 16: "sechzehn", 17: "siebzehn", 18: "achtzehn", 19: "neunzehn",
}  # fmt: skip
GERMAN_TENS = {
    20: "zwanzig", 30: "dreissig", 40: "vierzig", 50: "funfzig", 60: "sechzig", 70: "siebzig",
    80: "achtzig", 90: "neunzig",
}  # fmt: skip


def _russian() -> dict[str, int]:
    forms: dict[str, int] = {}
    for number, words in (*RUSSIAN_UNITS.items(), *RUSSIAN_TEENS.items(), *RUSSIAN_TENS.items()):
        for word in words:
            forms[word] = number
    for tens, tens_words in RUSSIAN_TENS.items():
        for unit, unit_words in RUSSIAN_UNITS.items():
            for first in tens_words:
                for second in unit_words:
                    forms[f"{first} {second}"] = tens + unit
    return forms


def russian_stems() -> dict[str, int]:
    """The first part of a Russian "N-летний" written in one word."""
    stems: dict[str, int] = {}
    genitive = {number: words[-1] for number, words in RUSSIAN_UNITS.items()}
    genitive.update({number: words[-1] for number, words in RUSSIAN_TEENS.items()})
    tens = {number: words[-1] for number, words in RUSSIAN_TENS.items()}
    for number, words in RUSSIAN_STEMS.items():
        (genitive if number < 20 else tens)[number] = words[0]
    stems.update({word: number for number, word in genitive.items()})
    stems.update({word: number for number, word in tens.items()})
    for ten, ten_word in tens.items():
        for unit in range(1, 10):
            stems[ten_word + genitive[unit]] = ten + unit
    return stems


def _english() -> dict[str, int]:
    forms = {word: number for number, word in ENGLISH_UNITS.items()}
    for tens, word in ENGLISH_TENS.items():
        forms[word] = tens
        for unit in range(1, 10):
            for joint in ("-", " "):
                forms[f"{word}{joint}{ENGLISH_UNITS[unit]}"] = tens + unit
    return forms


def _french() -> dict[str, int]:
    forms = {word: number for number, word in FRENCH_UNITS.items()}
    forms["une"] = 1

    def tens_of(tens: int, word: str, units: range) -> None:
        for unit in units:
            unit_words = [FRENCH_UNITS[unit]]
            if unit == 1:
                # "vingt et un", "vingt-et-un"; never "vingt-un"
                joints = [" et ", "-et-"]
                unit_words.append("une")
            elif unit == 11 and tens == 60:
                joints = [" et ", "-et-", "-", " "]  # "soixante et onze"
            else:
                joints = ["-", " "]
            for unit_word in unit_words:
                for joint in joints:
                    forms[f"{word}{joint}{unit_word}"] = tens + unit
                    forms[f"{word}{joint}{unit_word.replace('-', ' ')}"] = tens + unit

    for tens, word in FRENCH_TENS.items():
        forms[word] = tens
        tens_of(tens, word, range(1, 10))
    forms["octante"] = 80
    tens_of(80, "octante", range(1, 10))
    # France: soixante-dix to soixante-dix-neuf, quatre-vingts to
    # quatre-vingt-dix-neuf.
    for sixty in ("soixante",):
        tens_of(60, sixty, range(10, 20))
    for eighty in ("quatre-vingt", "quatre vingt"):
        forms[eighty] = forms[eighty + "s"] = 80
        for unit in range(1, 20):
            for joint in ("-", " "):
                unit_word = FRENCH_UNITS[unit]
                forms[f"{eighty}{joint}{unit_word}"] = 80 + unit
                forms[f"{eighty}{joint}{unit_word.replace('-', ' ')}"] = 80 + unit
    return forms


def _german() -> dict[str, int]:
    forms = {word: number for number, word in GERMAN_UNITS.items()}
    forms["ein"] = 1
    for tens, word in GERMAN_TENS.items():
        forms[word] = tens
        for unit in range(1, 10):
            unit_word = "ein" if unit == 1 else GERMAN_UNITS[unit]
            forms[f"{unit_word}und{word}"] = tens + unit
    return forms


@functools.cache
def _table() -> tuple[dict[str, int], re.Pattern[str], dict[str, int], re.Pattern[str]]:
    forms: dict[str, int] = {}
    for language in (_german(), _french(), _english(), _russian()):
        forms.update(language)
    # "un", "ein", "one", "une" alone stand for an article or a pronoun
    # more often than for an age of one: only joined to other number words.
    for word in ("un", "une", "ein", "eins", "one", "один", "одна", "одно", "одного", "одной"):
        forms.pop(word, None)
    # The longest form first, so that "двадцать восемь" wins over "двадцать".
    alternatives = "|".join(re.escape(form) for form in sorted(forms, key=len, reverse=True))
    pattern = re.compile(rf"(?<![^\W\d_])(?:{alternatives})(?![^\W\d_])")
    stems = russian_stems()
    stem_alternatives = "|".join(re.escape(stem) for stem in sorted(stems, key=len, reverse=True))
    joined = re.compile(rf"(?<![^\W\d_])(?P<stem>{stem_alternatives})(?=летн)")
    return forms, pattern, stems, joined


def in_digits(text: str) -> str:
    """`text` (already normal) with each number written in words from one
    to ninety-nine as digits; "двадцатипятилетний" becomes "25-летний"."""
    if not re.search(r"[^\W\d_]", text):
        return text
    forms, pattern, stems, joined = _table()
    text = joined.sub(lambda match: f"{stems[match['stem']]}-", text)
    return pattern.sub(lambda match: str(forms[match.group(0)]), text)
