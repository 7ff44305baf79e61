"""Names as the sources of this region write them.

The same man appears as Магомед, Magomed, Mahomed, Magomet or Muhammad; his
sister as Кадырова where he is Кадыров; a newspaper writes "M. Umarov", a
report "Umarov Magomed Saidovich". Generic tools see different strings.
Here every name becomes a *key*: Latin letters (Cyrillic through our own
table, other scripts through anyascii), spelling variants folded (kh/h/x,
g/h, final t/d, doubled letters, ye/e, yu/iu/ju), female surname endings
made male, and given names mapped through a table of known equivalents.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from anyascii import anyascii

# Russian Cyrillic to Latin, one choice per letter (the folding below
# absorbs the differences between transliteration systems).
CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya", "і": "i", "ӏ": "", "һ": "h", "ә": "a", "ө": "o", "ү": "u", "ң": "n",
}  # fmt: skip

# Spelling variants of one sound, folded to one form (order matters).
FOLDS = [
    (r"shch", "shch"),
    (r"kh|x|h", "h"),
    (r"gh", "g"),
    (r"ts|tz", "c"),
    (r"(?<=[ao])[yi](?=e)", ""),  # Dudayev / Dudaev
    (r"(?<=[aeiou])y(?=[aeiou])", "i"),
    (r"\b(?:ye|je|ie)", "e"),
    (r"(?:yu|iu|ju)", "u"),
    (r"(?:ya|ia|ja)", "a"),
    (r"(?:yo|jo)", "o"),
    (r"w", "v"),
    (r"ph", "f"),
    (r"ck", "k"),
    (r"q", "k"),
    (r"j", "zh"),
    (r"y", "i"),
    (r"ou", "u"),
    (r"([a-z])\1+", r"\1"),
]

# Given names written many ways: each variant (after folding) to one key.
GIVEN_NAME_GROUPS = [
    ["magomed", "mahomed", "magomet", "mahomet", "muhammad", "muhamed", "mohammed",
     "mohamed", "muhammed", "mukhammad", "mohamad", "magamed"],
    ["ahmed", "ahmad", "akhmed", "akhmad", "ahmet"],
    ["ibragim", "ibrahim", "ibragimm"],
    ["yusup", "yusuf", "usup", "iusup", "yusuph"],
    ["hasan", "khasan", "hassan", "gasan"],
    ["husein", "khusein", "hussein", "huseyn", "gusein"],
    ["said", "saiid", "seid"],
    ["zelimhan", "zelimkhan", "zelimhan", "zelimxan"],
    ["ramzan", "ramazan"],
    ["islam", "islan"],
    ["abdul", "abdula", "abdulla", "abdullah"],
    ["umar", "omar"],
    ["aslan", "arslan"],
    ["adam", "adem"],
    ["amina", "emina"],
    ["zarema", "zaira"],
    ["heda", "kheda", "khedi", "hedi"],
    ["malika", "malikat"],
    ["madina", "medina"],
    ["aishat", "ayshat", "aishad"],
    ["hava", "khava", "hawa"],
    ["movsar", "mousar", "movsur"],
]  # fmt: skip

PATRONYMIC = re.compile(r"(ovich|evich|ich|ovna|evna|ichna|inichna)$")
FEMALE_ENDINGS = [("ova", "ov"), ("eva", "ev"), ("ina", "in"), ("skaya", "skiy"), ("aya", "iy")]


def latin(text: str) -> str:
    """Lower-case Latin letters and spaces."""
    lowered = unicodedata.normalize("NFC", text).casefold()
    converted = "".join(CYRILLIC.get(ch, ch) for ch in lowered)
    ascii_text = anyascii(converted).lower()
    return " ".join(re.sub(r"[^a-z]+", " ", ascii_text).split())


def fold(word: str, *, devoice: bool = True) -> str:
    for pattern, replacement in FOLDS:
        word = re.sub(pattern, replacement, word)
    # Final devoicing: Magomet / Magomed, Ahmet / Ahmed.
    return re.sub(r"t$", "d", word) if devoice else word


# Initials are written from the first Latin letter of whatever spelling the
# source used: Khava becomes K., Yusup Y. or I. or U. Such letters agree.
INITIAL_CLASSES = {"k": "h", "x": "h", "y": "u", "i": "u", "j": "u"}


def initial_key(word: str) -> str:
    """The first letter of a name as sources abbreviate it (Kh. and H. agree)."""
    first = fold(latin(word).replace(" ", ""), devoice=False)[:1]
    return INITIAL_CLASSES.get(first, first)


def _given_keys() -> dict[str, str]:
    keys = {}
    for group in GIVEN_NAME_GROUPS:
        canonical = fold(group[0])
        for variant in group:
            keys[fold(variant)] = canonical
    return keys


GIVEN_KEYS = _given_keys()


def given_key(word: str) -> str:
    folded = fold(latin(word).replace(" ", ""))
    return GIVEN_KEYS.get(folded, folded)


def surname_key(word: str) -> str:
    text = latin(word).replace(" ", "")
    for female, male in FEMALE_ENDINGS:
        if text.endswith(female) and len(text) > len(female) + 2:
            text = text[: -len(female)] + male
            break
    return fold(text)


SURNAME_ENDING = re.compile(r"(ov|ev|ova|eva|aev|iev|aeva|ieva|skiy|skii|skaya|ski)$")
WEAK_SURNAME_ENDING = re.compile(r"(in|ina|yn|yna)$")


def _surname_first(first: str, second: str) -> bool:
    """Which of two words is the surname: a known given name decides, then a
    surname ending (-ov, -eva...), then a weaker one (-in, -ina, which many
    given names share); otherwise "Given Surname"."""
    first_key, second_key = fold(first.replace(" ", "")), fold(second.replace(" ", ""))
    if first_key in GIVEN_KEYS and second_key not in GIVEN_KEYS:
        return False
    if second_key in GIVEN_KEYS and first_key not in GIVEN_KEYS:
        return True
    for ending in (SURNAME_ENDING, WEAK_SURNAME_ENDING):
        first_has, second_has = bool(ending.search(first)), bool(ending.search(second))
        if first_has != second_has:
            return first_has
    return False


@dataclass(frozen=True)
class ParsedName:
    given: str  # key, or "" if unknown
    initial: str  # first letter of the given name's key, or of an initial
    surname: str  # key
    patronymic: str  # key, or ""


def parse(full_name: str) -> ParsedName:
    """Split a full name into keys: surname and given name in either order,
    initials ("M. Umarov"), an optional patronymic."""
    raw = [w for w in re.split(r"[\s,]+", full_name.strip()) if w]
    words = [latin(w) for w in raw]
    patronymic = ""
    initials, names = [], []
    for original, word in zip(raw, words, strict=True):
        if not word:
            continue
        if PATRONYMIC.search(word) and len(word) > 5:
            patronymic = fold(word)
        elif len(word.replace(" ", "")) <= 2 and (
            original.endswith(".") or len(word.replace(" ", "")) == 1
        ):
            initials.append(initial_key(original))
        else:
            names.append(word)
    given, surname = "", ""
    if len(names) >= 2:
        first, second = names[0], names[-1]
        if _surname_first(first, second):
            surname, given = first, second
        else:
            given, surname = first, second
    elif len(names) == 1:
        surname = names[0]
    given_k = given_key(given) if given else ""
    initial = initial_key(given) if given else (initials[0] if initials else "")
    return ParsedName(given_k, initial, surname_key(surname) if surname else "", patronymic)


def same_person_score(first: str, second: str) -> float:
    """0 to 1: how well two written names agree once folded (for review and
    for a first comparison; the linkage model weighs fields on its own)."""
    from rapidfuzz.distance import JaroWinkler

    a, b = parse(first), parse(second)
    if not a.surname or not b.surname:
        return 0.0
    score = JaroWinkler.similarity(a.surname, b.surname)
    if a.given and b.given:
        score = (score + JaroWinkler.similarity(a.given, b.given)) / 2
    elif a.initial and b.initial:
        score = score * (1.0 if a.initial == b.initial else 0.5)
    if a.patronymic and b.patronymic and a.patronymic != b.patronymic:
        score *= 0.8
    return float(score)
