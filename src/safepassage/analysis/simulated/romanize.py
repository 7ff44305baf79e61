"""Russian Cyrillic romanised as each kind of source does it, for simulated
lists.

Written from the published standards and house styles directly, as code,
and kept apart from the linkage's own tables (analysis/reference), so that
lists made here test the linkage instead of repeating it:

- ISO 9:1995 (one Latin letter per Cyrillic letter, with diacritics);
- scholarly transliteration (x for х, č š ž, ju ja);
- GOST 7.79-2000 system B (cz, shh, y`, e`, `, x);
- BGN/PCGN 1947 (ye at the start and after vowels, y for й, ’ for ь);
- ICAO Doc 9303 (2015; the Latin line of Russian passports: ia, iu, i for й);
- French usage (ou, tch, ch, j, gu before e and i, ss between vowels, ï);
- German usage (w, sch, tsch, sh for ж, z for ц, ch for х, ss, j);
- English newsroom usage (BGN without marks; kh often h; -iy as -y).
"""

from __future__ import annotations

from collections.abc import Callable

VOWELS = set("аеёиоуыэюя")

ISO9 = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "ë", "ж": "ž", "з": "z",
    "и": "i", "й": "j", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r",
    "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "c", "ч": "č", "ш": "š", "щ": "ŝ",
    "ъ": "ʺ", "ы": "y", "ь": "ʹ", "э": "è", "ю": "û", "я": "â",
}  # fmt: skip
SCHOLARLY = {**ISO9, "х": "x", "щ": "šč", "ю": "ju", "я": "ja"}
GOST_B = {
    **ISO9, "ё": "yo", "ж": "zh", "й": "j", "х": "x", "ц": "cz", "ч": "ch", "ш": "sh", "щ": "shh",
    "ъ": "``", "ы": "y`", "ь": "`", "э": "e`", "ю": "yu", "я": "ya",
}  # fmt: skip
BGN = {
    **ISO9, "ё": "ë", "ж": "zh", "й": "y", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "”", "ы": "y", "ь": "’", "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip
ICAO = {
    **ISO9, "ё": "e", "ж": "zh", "й": "i", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
    "щ": "shch", "ъ": "ie", "ы": "y", "ь": "", "э": "e", "ю": "iu", "я": "ia",
}  # fmt: skip
FRENCH = {
    **ISO9, "ё": "io", "ж": "j", "й": "ï", "х": "kh", "ц": "ts", "ч": "tch", "ш": "ch",
    "щ": "chtch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "iou", "я": "ia", "у": "ou",
}  # fmt: skip
GERMAN = {
    **ISO9, "в": "w", "ё": "jo", "ж": "sh", "з": "s", "й": "j", "х": "ch", "ц": "z",
    "ч": "tsch", "ш": "sch", "щ": "schtsch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "ju",
    "я": "ja",
}  # fmt: skip
ENGLISH = {**BGN, "ь": "", "ъ": "", "ё": "yo"}


Special = Callable[[str, str, str], str | None]


def _letters(text: str, table: dict[str, str], special: Special | None) -> str:
    out = []
    lowered = text.lower()
    for index, char in enumerate(lowered):
        before = lowered[index - 1] if index else ""
        after = lowered[index + 1] if index + 1 < len(lowered) else ""
        latin = special(char, before, after) if special is not None else None
        if latin is None:
            latin = table.get(char, char)
        out.append(latin)
    return _case_like(text, "".join(out))


def _case_like(original: str, latin: str) -> str:
    """Capitalise each word as the original is (UMAROV stays in capitals)."""
    if original.isupper() and len(original) > 1:
        return latin.upper()
    words = latin.split(" ")
    return " ".join("-".join(part[:1].upper() + part[1:] for part in w.split("-")) for w in words)


def _start_or_after_vowel(before: str) -> bool:
    return before == "" or before in VOWELS or before in "ъь -"


def iso9(text: str) -> str:
    return _letters(text, ISO9, None)


def scholarly(text: str) -> str:
    return _letters(text, SCHOLARLY, None)


def gost_b(text: str) -> str:
    def special(char: str, before: str, after: str) -> str | None:
        if char == "ц" and after in ("и", "е", "ы", "й"):
            return "c"
        return None

    return _letters(text, GOST_B, special)


def bgn(text: str) -> str:
    def special(char: str, before: str, after: str) -> str | None:
        if char == "е" and _start_or_after_vowel(before):
            return "ye"
        if char == "ё" and _start_or_after_vowel(before):
            return "yë"
        return None

    return _letters(text, BGN, special)


def icao(text: str) -> str:
    return _letters(text, ICAO, None)


def french(text: str) -> str:
    def special(char: str, before: str, after: str) -> str | None:
        if char == "г" and after in ("е", "и", "ы", "э"):
            return "gu"
        if char == "с" and before in VOWELS and after in VOWELS:
            return "ss"
        if char == "й" and before in VOWELS:
            return "ï"
        if char == "е" and before in VOWELS and before != "и":
            return "ïe"
        if char == "и" and before in VOWELS:
            return "ï"
        if char == "ы" and after == "й":
            return "y"
        return None

    text = text.replace("ый", "ы").replace("ий", "и") if text.endswith(("ый", "ий")) else text
    return _letters(text, FRENCH, special)


def german(text: str) -> str:
    def special(char: str, before: str, after: str) -> str | None:
        if char == "е" and _start_or_after_vowel(before):
            return "je"
        if char == "с" and before in VOWELS and after in VOWELS:
            return "ss"
        if char == "й" and after == "":
            return "j"
        return None

    return _letters(text, GERMAN, special)


def english(text: str, *, soft_kh: bool = False) -> str:
    """The newsroom's BGN: no marks, -ий as -iy or -y, kh as h if `soft_kh`."""

    def special(char: str, before: str, after: str) -> str | None:
        if char == "е" and _start_or_after_vowel(before):
            return "ye"
        if char == "х" and soft_kh:
            return "h"
        if char == "й" and before == "ы" and after == "":
            return ""
        return None

    return _letters(text, ENGLISH, special)


SYSTEMS = {
    "iso9": iso9,
    "scholarly": scholarly,
    "gost_b": gost_b,
    "bgn": bgn,
    "icao": icao,
    "french": french,
    "german": german,
    "english": english,
}
