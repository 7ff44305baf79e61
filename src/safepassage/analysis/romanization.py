"""Names written in Latin letters, read back into Cyrillic, and every form
folded to one comparison key.

A Chechen name reaches a victim list in Cyrillic, or romanised by whichever
system the source uses: ISO 9 (Šamilʹ), scholarly (Xasanov), GOST 7.79-B
(Czakaev), BGN/PCGN (Isayev), ICAO passports (Iusupov), French (Oumarov,
Issaïev), German (Chassanow) or English newsrooms (Hasan). The systems are
tables (reference/transliteration.toml); here each is read backwards, so
that every Latin form becomes Cyrillic again. Which system a word was
written in is told by spellings only one system uses (`markers`: ou and
tch are French, w and sch German, cz GOST...), for a whole list at once
(a source keeps one convention) and for a word that plainly departs from
it. The same letters mean different things in different systems (ch is ч
in English, ш in French, х in German), so reading a list in the wrong one
would lose it: reading by system is what makes the forms meet.

Cyrillic (as written, or read back) is then folded to a key: spelling
variants of one sound made one (о and а unstressed, г and х, з and с, й
and ы and и, doubled letters, a final д and т, Chechen letters with the
palochka Ӏ, typed as 1, I or l, and ь), and written in plain Latin letters.
"""

from __future__ import annotations

import functools
import re
import tomllib
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

REFERENCE = Path(__file__).with_name("reference")
CYRILLIC_LETTERS = re.compile(r"[а-яёӏ]")
# A system for Latin words when nothing tells which one a list uses.
DEFAULT_SYSTEM = "english"

# Latin letters a system has no form for (English has no c, q, w): read as
# a reader of that system would.
FALLBACK = {
    "c": "ц", "q": "к", "w": "в", "x": "кс", "h": "х", "j": "й", "y": "ы",
    "'": "", "’": "", "`": "", "ʹ": "ь", "ʺ": "ъ", "”": "", "·": "",
}  # fmt: skip


@dataclass(frozen=True)
class System:
    """One romanisation system, ready to be read backwards."""

    code: str
    name: str
    rules: tuple[tuple[re.Pattern[str], str], ...]
    letters: dict[str, str]  # Latin form -> Cyrillic
    longest: int
    markers: tuple[re.Pattern[str], ...]

    def read(self, word: str) -> str:
        """A lower-case Latin word as Cyrillic: the system's positional
        rules first, then its letters, longest first."""
        out: list[str] = []
        position = 0
        while position < len(word):
            for pattern, cyrillic in self.rules:
                match = pattern.match(word, position)
                if match and match.end() > position:
                    out.append(cyrillic)
                    position = match.end()
                    break
            else:
                for length in range(min(self.longest, len(word) - position), 0, -1):
                    chunk = word[position : position + length]
                    if chunk in self.letters:
                        out.append(self.letters[chunk])
                        position += length
                        break
                else:
                    out.append(_fallback(word[position]))
                    position += 1
        return "".join(out)

    def score(self, word: str, usual: System | None = None) -> int:
        """How many of this system's own spellings the word holds; a letter
        with a diacritic (š, û, ï) counts twice: no system writes it by
        chance. Beside a list's `usual` system, a spelling that system
        writes too, or reads as this one does, does not count."""
        return sum(
            sum(
                1
                for found in marker.findall(word)
                if usual is None or not usual.shares(found, self)
            )
            * (1 if marker.pattern.isascii() else 2)
            for marker in self.markers
        )

    def shares(self, spelling: str, other: System) -> bool:
        """Whether a spelling is no sign of `other` in a list written in
        this system: one of this system's own letters ("j" in a German
        list), or a single letter both read alike that is not the other's
        own (a lone "h" is х in every system, and a letter of none; "w" is
        German's в, and "-ow" a German ending)."""
        if spelling in self.letters:
            return True
        return (
            len(spelling) == 1
            and spelling not in other.letters
            and self.read(spelling) == other.read(spelling)
        )


def _fallback(char: str) -> str:
    if char in FALLBACK:
        return FALLBACK[char]
    plain = unicodedata.normalize("NFKD", char)[:1]
    if "a" <= plain <= "z":
        return LATIN_DEFAULT.get(plain, plain)
    return ""


def _load() -> dict[str, System]:
    with (REFERENCE / "transliteration.toml").open("rb") as source:
        data = tomllib.load(source)
    systems = {}
    for code, spec in data["systems"].items():
        letters: dict[str, str] = {}
        for cyrillic, latin in spec["letters"].items():
            if latin and latin not in letters:
                letters[latin] = cyrillic
        rules = tuple((re.compile(pattern), cyrillic) for pattern, cyrillic in spec["decode"])
        systems[code] = System(
            code=code,
            name=spec["name"],
            rules=rules,
            letters=letters,
            longest=max(len(latin) for latin in letters),
            markers=tuple(re.compile(marker) for marker in spec["markers"]),
        )
    return systems


SYSTEMS = _load()
# Plain Latin letters as most systems read them (for letters a system
# lacks, after accents are dropped).
LATIN_DEFAULT = {latin: cyrillic for latin, cyrillic in SYSTEMS["bgn_pcgn"].letters.items()}


@functools.lru_cache(maxsize=1 << 18)
def _best(word: str) -> tuple[str, int]:
    """The system whose own spellings the word holds most (the first in the
    table's order on a tie), and how many."""
    lowered = word.casefold()
    best, most = DEFAULT_SYSTEM, 0
    for code, system in SYSTEMS.items():
        found = system.score(lowered)
        if found > most:
            best, most = code, found
    return best, most


# A list is read in one system when at least this share of its words that
# show any system show that one; a list that mixes systems (a report whose
# cases were taken down by different people) is read word by word.
CONSISTENT = 0.6


def detect(words: Iterable[str]) -> str:
    """The system a list's Latin words were written in: the one most of the
    words that show a system show, if they agree enough; else the default."""
    votes: Counter[str] = Counter()
    for word in words:
        best, most = _best(word)
        if most:
            votes[best] += 1
    if not votes:
        return DEFAULT_SYSTEM
    code, count = votes.most_common(1)[0]
    return code if count >= CONSISTENT * sum(votes.values()) else DEFAULT_SYSTEM


@functools.lru_cache(maxsize=1 << 18)
def system_for(word: str, usual: str) -> str:
    """The system to read one word in: the one its own spellings show, else
    the list's usual one."""
    lowered = word.casefold()
    # A spelling the list's own system writes too is no sign of another
    # ("Jandarow" in a German list, "Jusupov" in a scholarly one: j is й
    # there, though an English list writes Jabrail); nor is one it reads
    # alike ("Hassane" in a French list is French, its final e silent).
    home = SYSTEMS[usual]
    own = home.score(lowered)
    best, most = usual, own
    for code, system in SYSTEMS.items():
        found = system.score(lowered, home) if code != usual else own
        if found > most:
            best, most = code, found
    return best


# Latin letters typed inside Cyrillic words (they look the same), and the
# characters typed for the Chechen palochka Ӏ.
HOMOGLYPHS = str.maketrans(
    {
        "a": "а",
        "e": "е",
        "o": "о",
        "p": "р",
        "c": "с",
        "x": "х",
        "y": "у",
        "k": "к",
        "m": "м",
        "t": "т",
        "h": "н",
        "b": "в",
    }
)
PALOCHKA = re.compile(r"(?<=[а-яё])[1IlΙ|Ӏӏ]|[1IlΙ|Ӏӏ](?=[а-яё])", re.IGNORECASE)
# Chechen digraphs whose second letter only marks the sound.
# (кх is Chechen's deep к, or к and х across a name's parts, Бекхан: Latin
# writes both kh, so both are х here.)
CHECHEN = [("кх", "х"), ("къ", "к"), ("хь", "х"), ("хӏ", "х"), ("гӏ", "г"), ("кӏ", "к")]


LATIN_LETTERS = re.compile(r"[a-z]")
TO_LATIN = str.maketrans({"а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "х": "x", "у": "y"})


@functools.lru_cache(maxsize=1 << 18)
def is_cyrillic(word: str) -> bool:
    """Whether a word is written in Cyrillic (most of its letters)."""
    lowered = word.casefold()
    return len(CYRILLIC_LETTERS.findall(lowered)) > len(LATIN_LETTERS.findall(lowered))


@functools.lru_cache(maxsize=1 << 18)
def cyrillic(word: str, system: str = DEFAULT_SYSTEM) -> str:
    """A word as lower-case Cyrillic: Cyrillic cleaned (the palochka as
    typed, letters typed in the other alphabet by mistake), Latin read
    back in `system`."""
    text = unicodedata.normalize("NFC", word)
    if is_cyrillic(text):
        lowered = PALOCHKA.sub("ӏ", text).casefold()
        return lowered.translate(HOMOGLYPHS)
    lowered = text.casefold().translate(TO_LATIN)
    return SYSTEMS[system].read(lowered)


# The fold, in order: each step makes the spellings of one sound one.
FOLDS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(pattern), replacement)
    for pattern, replacement in [
        (r"ё", "е"),
        *CHECHEN,
        (r"ӏ|ъ", ""),
        (r"ь(?=[аеёиоуыэюя])", "и"),  # Марьям / Мариям, Ильяс / Илиас
        (r"ь", ""),
        (r"дж", "ж"),  # Джабраил / Jabrail / Жабраил
        # German writes ж as sch, as ш (Breschnew, Noschai-Jurt, Meschijew):
        # names hardly tell the two apart, so neither does the key.
        (r"ж", "ш"),
        (r"т[сц]", "ц"),  # Tsakaev, Tzakaev
        (r"щ", "ш"),
        (r"я", "иа"),  # Марьям / Mariam (ICAO), Яндиев / Iandiev
        (r"ю", "иу"),
        (r"[йы]", "и"),  # Kadyrov / Kadirov, Хусейн / Husein
        (r"э", "е"),
        (r"(?<=[ое])ф$", "в"),  # Oumaroff
        (r"о", "а"),  # Магомед / Магамед
        (r"г", "х"),  # Ибрагим / Ibrahim, Гасан / Hasan
        (r"з", "с"),  # German s for з: Selimchan
        (r"(?<=[аеиу])и(?=[аеиу])", ""),  # Исаиев / Исаев
        (r"(.)\1+", r"\1"),
        (r"д$", "т"),  # Магомед / Магомет
    ]
]
ASCII = str.maketrans(
    {
        "а": "a",
        "б": "b",
        "в": "v",
        "д": "d",
        "е": "e",
        "ж": "zh",
        "и": "i",
        "к": "k",
        "л": "l",
        "м": "m",
        "н": "n",
        "п": "p",
        "р": "r",
        "с": "s",
        "т": "t",
        "у": "u",
        "ф": "f",
        "х": "h",
        "ц": "c",
        "ч": "ch",
        "ш": "sh",
    }
)
NOT_LETTERS = re.compile(r"[^a-z]")


@functools.lru_cache(maxsize=1 << 18)
def fold(word: str) -> str:
    """A Cyrillic word (from `cyrillic`) as its comparison key, in plain
    Latin letters; hyphens and spaces dropped."""
    text = re.sub(r"[^а-яёӏ]", "", word)
    for pattern, replacement in FOLDS:
        text = pattern.sub(replacement, text)
    return NOT_LETTERS.sub("", text.translate(ASCII))


@functools.lru_cache(maxsize=1 << 18)
def key(word: str, system: str = DEFAULT_SYSTEM) -> str:
    """A word in any script or system as its comparison key."""
    return fold(cyrillic(word, system))


VOWELS = re.compile(r"[aeiou]")


def skeleton(folded: str) -> str:
    """A key's consonants (Omarov and Umarov, Мохьмад and Мухаммад agree):
    a looser key, for finding candidates and for a weaker agreement."""
    return VOWELS.sub("", folded)
