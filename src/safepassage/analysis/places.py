"""Places as lists write them, found in a gazetteer (reference/places.toml).

One town reaches the lists as "г. Грозный", "житель Грозного", "в Грозном",
"Соьлжа-ГӀала" (typed "Соьлжа-Г1ала"), "Джохар", "Grozny", "Groznyy",
"Grosny", "the Chechen capital"; a village as "с. Цоци-Юрт Курчалоевского
района" or "Tsotsi-Iourt". A place is read by dropping the words around it
(prefixes such as г., с., ст., "житель", "from", "près de"), then finding
the longest run of words that is a name of the gazetteer, in any Russian
case form and any transliteration (read back as names are, by the list's
system); a description ("la capitale tchétchène") is found as a phrase. A
district ("Шалинский район", "Shali district") is a place of its own that
agrees in part with every place in it. What the gazetteer does not know is
kept as its key, so two lists that write the same village alike still
agree, and the importer names it.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass

from safepassage.analysis.periods import UNKNOWN
from safepassage.analysis.romanization import (
    DEFAULT_SYSTEM,
    REFERENCE,
    SYSTEMS,
    cyrillic,
    fold,
    is_cyrillic,
    system_for,
)

# Words around a place name that say nothing of which place.
AROUND = frozenset(
    [
        "г",
        "гор",
        "город",
        "с",
        "село",
        "ст",
        "ст-ца",
        "станица",
        "пос",
        "посёлок",
        "поселок",
        "пгт",
        "аул",
        "а",
        "х",
        "хутор",
        "д",
        "деревня",
        "нп",
        "мкр",
        "микрорайон",
        "ул",
        "улица",
        "житель",
        "жительница",
        "жители",
        "уроженец",
        "уроженка",
        "проживающий",
        "проживающая",
        "проживал",
        "проживала",
        "родом",
        "из",
        "в",
        "во",
        "на",
        "под",
        "возле",
        "близ",
        "около",
        "у",
        "окрестностях",
        "республика",
        "республики",
        "рф",
        "россия",
        "resident",
        "residents",
        "of",
        "from",
        "native",
        "in",
        "near",
        "the",
        "town",
        "city",
        "village",
        "a",
        "at",
        "outskirts",
        "settlement",
        "republic",
        "russia",
        "born",
        "de",
        "du",
        "des",
        "la",
        "le",
        "les",
        "l",
        "à",
        "a",
        "ville",
        "village",
        "habitant",
        "habitante",
        "originaire",
        "près",
        "en",
        "russie",
        "république",
        "republique",
        "aus",
        "bei",
        "der",
        "die",
        "das",
        "stadt",
        "dorf",
        "republik",
        "nahe",
    ]
)
DISTRICT_WORDS = frozenset(
    [
        "район",
        "района",
        "районе",
        "району",
        "районом",
        "р-н",
        "р-на",
        "р-не",
        "district",
        # ("Shali region": an English article's word for a район.)
        "region",
        "raion",
        "rayon",
        "bezirk",
        "kreis",
        "arrondissement",
    ]
)
KIND_ORDER = {"village": 0, "town": 0, "city": 0, "district": 1, "region": 2}
SPLIT = re.compile(r"[^\w\-‐–ӏ']+")
LONGEST = 4


@dataclass(frozen=True)
class Place:
    """A place as a key: the gazetteer's id (or "~" and the key of the
    words as written), and the district it lies in ("" if unknown)."""

    id: str
    district: str = ""
    known: bool = False


@dataclass(frozen=True)
class Entry:
    id: str
    kind: str
    district: str
    # The district named after the place, where it is not the place's own:
    # "the Grozny district" is the rural district around Grozny, which the
    # city is not part of.
    named_district: str = ""


def inflections(name: str) -> set[str]:
    """A Russian place name in the case forms lists use ("из Аргуна", "в
    Грозном", "Урус-Мартане", "Старых Атагов"): each word of the name by
    its ending. Forms a name never takes are harmless: no other place is
    written so."""
    words = name.casefold().split()
    forms: set[str] = {""}
    for word in words:
        forms = {f"{form} {variant}".strip() for form in forms for variant in _word_forms(word)}
    return forms


ENDINGS = [
    ("ый", ["ого", "ому", "ым", "ом"]),
    ("ий", ["его", "ему", "им", "ем", "ого", "ому", "ом"]),
    ("ой", ["ого", "ому", "ым", "ом", "оя", "ое", "ою"]),
    ("ая", ["ой", "ую"]),
    ("ое", ["ого", "ому", "ым", "ом"]),
    ("ые", ["ых", "ым", "ыми"]),
    ("ие", ["их", "им", "ими"]),
    ("ы", ["", "ов", "ам", "ах"]),
    ("и", ["", "ов", "ей", "ам", "ах", "ях"]),
    ("а", ["ы", "и", "е", "у", "ой"]),
    ("я", ["и", "е", "ю", "ей"]),
    ("ь", ["и", "я", "ю", "е", "ем"]),
    ("й", ["я", "ю", "ем", "е"]),
]


def _word_forms(word: str) -> set[str]:
    forms = {word}
    for ending, replacements in ENDINGS:
        if word.endswith(ending):
            stem = word[: -len(ending)]
            forms |= {stem + replacement for replacement in replacements}
            return forms
    if word[-1:] not in "оеиуюэ":  # a consonant: Аргун, Гудермес, Урус-Мартан
        forms |= {word + ending for ending in ("а", "у", "ом", "е")}
    return forms


def _keys_of_latin(name: str) -> set[str]:
    return {_phrase_key(name, code) for code in SYSTEMS}


def _phrase_key(text: str, system: str) -> str:
    return "".join(_word_key(word, system) for word in SPLIT.split(text) if word)


def _word_key(word: str, system: str) -> str:
    if is_cyrillic(word):
        return fold(cyrillic(word))
    return fold(cyrillic(word, system_for(word, system)))


# The French article elided before a vowel ("district d'Ourous-Martan").
ELISION = re.compile(r"(?<!\w)[dl][’']")


def _normal(text: str) -> str:
    """Lower case, one space between words, no punctuation but hyphens."""
    lowered = ELISION.sub("", text.casefold().replace("ё", "е"))
    return " ".join(SPLIT.sub(" ", lowered).split())


def _load() -> tuple[dict[str, Entry], dict[str, Entry], list[tuple[str, Entry]]]:
    with (REFERENCE / "places.toml").open("rb") as source:
        places = tomllib.load(source)["places"]
    by_id: dict[str, Entry] = {}
    by_key: dict[str, Entry] = {}
    phrases: list[tuple[str, Entry]] = []

    def add(key: str, entry: Entry) -> None:
        if not key:
            return
        known = by_key.get(key)
        # Two places written alike: the more specific wins (a town over its
        # district over a region), else the first listed.
        if known is None or KIND_ORDER[entry.kind] < KIND_ORDER[known.kind]:
            by_key[key] = entry

    for spec in places:
        entry = Entry(
            spec["id"], spec["kind"], spec.get("district", ""), spec.get("named_district", "")
        )
        by_id[entry.id] = entry
        for name in spec.get("names", []):
            for form in inflections(name):
                add(_phrase_key(form, DEFAULT_SYSTEM), entry)
        for name in spec.get("latin", []):
            for key in _keys_of_latin(name):
                add(key, entry)
        district = Entry(f"district:{entry.district}", "district", entry.district)
        for adjective in spec.get("adjectives", []):
            by_id[district.id] = district
            for form in inflections(adjective):
                add(_phrase_key(form, DEFAULT_SYSTEM), district)
        for phrase in spec.get("descriptions", []):
            phrases.append((_normal(phrase), entry))
    phrases.sort(key=lambda item: -len(item[0]))
    return by_id, by_key, phrases


GAZETTEER, NAMES, DESCRIPTIONS = _load()

# Words that make another place of the one they stand before ("Старая
# Сунжа" is not Сунжа, "Верхний Наур" not Наур): before a name the
# gazetteer knows only without them, the place is one it does not know.
QUALIFIERS = frozenset(
    key
    for adjective in ("Старый", "Новый", "Верхний", "Нижний", "Большой", "Малый", "Средний")
    for stem in (adjective[:-2],)
    for ending in ("ый", "ий", "ой", "ая", "ое", "ые", "ие", "яя", "ее", "ого", "ой", "ых", "их")
    for key in {_phrase_key(stem + ending, DEFAULT_SYSTEM)}
) | frozenset(
    key
    for latin in (
        "Staraya",
        "Staryye",
        "Staryy",
        "Staryj",
        "Novaya",
        "Novyye",
        "Novyy",
        "Novyj",
        "Verkhniy",
        "Verkhneye",
        "Verkhniye",
        "Nizhniy",
        "Nizhneye",
        "Nizhniye",
        "Bolshoy",
        "Bolshiye",
        "Malyy",
        "Malyye",
        "Sredniy",
    )
    for key in _keys_of_latin(latin)
)


@functools.lru_cache(maxsize=1 << 16)
def read_place(text: str, system: str = DEFAULT_SYSTEM) -> Place | None:
    """The place a value names; None if it names none (blank). Latin words
    are read in the list's `system` first; a place the gazetteer does not
    know so is read in every other system (lists mix them: a French file
    copies "Achkhoi-Martan" from a passport, a report "Coci-Jurt" from a
    scholarly source) before it is kept as written."""
    found = _read_place(text, system)
    if found is None or found.known or is_cyrillic(text):
        return found
    for other in SYSTEMS:
        if other != system:
            elsewhere = _read_place(text, other)
            if elsewhere is not None and elsewhere.known:
                return elsewhere
    return found


def _read_place(text: str, system: str) -> Place | None:
    normal = _normal(text)
    if not normal or UNKNOWN.match(text.strip().casefold()):
        return None
    for phrase, entry in DESCRIPTIONS:
        if re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", normal):
            return Place(entry.id, entry.district, True)
    words = [word.strip("-'") for word in normal.split()]
    kept = [
        (i, word)
        for i, word in enumerate(words)
        if word and word not in AROUND and word not in DISTRICT_WORDS
    ]
    # "Shali district", "район Шали", "district de Chali": the district of
    # the place named next to the word: the word before it, or, with none
    # before, the one after. With a word before, a place after is where
    # that district lies: a village of a district ("Шалинский р-н, с.
    # Автуры"), the city of a city district ("Ленинский район Грозного").
    beside: set[int] = set()
    for i, word in enumerate(words):
        if word in DISTRICT_WORDS:
            before = [k for k, _w in kept if k < i]
            after = [k for k, _w in kept if k > i]
            if before:
                beside.add(before[-1])
            elif after:
                beside.add(after[0])
    keys = [_word_key(word, system) for _i, word in kept]
    found: tuple[int, int, int, Entry] | None = None
    for size in range(min(LONGEST, len(keys)), 0, -1):
        for start in range(len(keys) - size + 1):
            named = NAMES.get("".join(keys[start : start + size]))
            if named is None:
                continue
            rank = (KIND_ORDER[named.kind], -size)
            if found is None or rank < found[:2]:
                found = (*rank, start, named)
    if found is None or (found[3].kind == "region" and len(keys) > -found[1]):
        # Unknown, or an unknown place in a known region: the words as written.
        rest = "".join(key for key in keys if found is None or NAMES.get(key) is not found[3])
        return Place(f"~{rest}", "", False) if rest else None
    _kind, size, start, entry = found
    if start > 0 and keys[start - 1] in QUALIFIERS:
        return Place(f"~{''.join(keys[start - 1 : start - size])}", "", False)
    span = {kept[i][0] for i in range(start, start - size)}
    if span & beside and entry.kind in ("village", "town", "city") and entry.district:
        district = entry.named_district or entry.district
        return Place(f"district:{district}", district, True)
    return Place(entry.id, entry.district, True)


def place_key(text: str, system: str = DEFAULT_SYSTEM) -> str:
    """A place's id as one string ("" for none): the gazetteer's, or the
    key of the words as written."""
    place = read_place(text, system)
    return place.id if place else ""
