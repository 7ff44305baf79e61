"""Names as the sources of this region write them.

The same man appears as Магомед, Мохьмад, Magomed, Mohammed or Muhammad;
his sister as Кадырова where he is Кадыров; a newspaper writes "Магомадов
М. А.", a report "UMAROV, Magomed", an NGO "Умаров Магомед Саидович", a
French file "Magomed Oumarov". Here every written name becomes a `Name` of
keys that all these forms reach (romanization.py reads Latin back into
Cyrillic by the list's system and folds spelling variants): the surname in
its male form, the given name through a table of names and their variants
(reference/given_names.toml; compound names as their parts), the father's
name from the patronymic, initials, the sex the name shows, and whether
the name is marked as a pseudonym, which is then not compared at all.

Which word is the surname: written in capitals, before a comma, with a
surname ending (-ов, -ева, -ов, -ow), not a known given name, or, when
nothing in the name says, in the place most names of the same list put it.
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, replace

from safepassage.analysis.numerals import in_digits
from safepassage.analysis.periods import normal
from safepassage.analysis.romanization import (
    DEFAULT_SYSTEM,
    REFERENCE,
    SYSTEMS,
    cyrillic,
    fold,
    is_cyrillic,
    system_for,
)

# A name changed by the source to protect the person: compared on nothing
# but what else the record says.
PSEUDONYM = re.compile(
    # (a few words may come between: "имя героя изменено", "имя по просьбе
    # изменено", "les prénoms ont été modifiés", "Name von der Redaktion geändert")
    r"\b(?:имя|имена|фамилия|фамилии)(?:\s+\S+){0,4}?\s+изменен|псевдоним"
    r"|не\s+настоящ\w*\s+имя|имя\s+вымышлен"
    r"|not\s+(?:his|her|their|the)\s+real\s+name|names?\s+(?:has\s+|have\s+)?(?:been\s+)?changed"
    # ("alias" alone after a name marks it; "Magomed alias Mago" is a
    # name and another it goes by, and Aliasov a surname.)
    r"|pseudonym|name\s+withheld|\balias\b(?=\W*$)"
    r"|\b(?:nom|prénom)s?(?:\s+\S+){0,4}?\s+(?:modifiés?|changés?)"
    r"|nom\s+d['’]emprunt|prénom\s+d['’]emprunt|pseudonyme"
    r"|\bnamen?(?:\s+\S+){0,4}?\s+geändert"
    r"|\*\s*$",
    re.IGNORECASE,
)
BRACKETS = re.compile(r"[(\[{][^)\]}]*[)\]}]|[«\"“”„][^«\"“”„»]*[»\"“”]")
# What a press list writes after a name ("Хамзат Ч., 25 лет", "Magomed
# Umarov, 28, from Argun", "Умаров Магомед, 28 лет, житель Аргуна",
# "Umarov a.k.a. Abu Bakr"): an age, where the person lives, another name;
# none of it is the name, and a comma before it is not "SURNAME, Given".
AFTER_NAME = re.compile(
    r",\s*(?:около\s+|about\s+|aged\s+|environ\s+|etwa\s+)?\d"
    r"|,\s*(?:житель|жительниц|уроженец|уроженк|проживающ|из\s|from\s|of\s|resident|native\s"
    r"|habitant|originaire|domicilié|aus\s|wohnhaft)"
    r"|\s(?:a\.\s?k\.\s?a\.?|aka|alias|он\s+же|она\s+же|по\s+прозвищу|известн\w+\s+как|known\s+as"
    r"|also\s+called|dit|genannt)\s",
    re.IGNORECASE,
)
# A title before a name ("Mr", "Mme", "гр.", "Herr"), and the sex it says.
TITLE = re.compile(
    r"^(?P<title>mr|mrs|ms|miss|mme|mlle|madame|monsieur|herr|frau|гр|гражданин|гражданка|г-н|г-жа"
    r"|господин|госпожа)\.?\s+",
    re.IGNORECASE,
)
FEMALE_TITLES = frozenset(
    ["mrs", "ms", "miss", "mme", "mlle", "madame", "frau", "гражданка", "г-жа", "госпожа"]
)
# A person the list could not name ("неизвестный мужчина", "unidentified
# woman", "inconnu"): no name at all, the sex if the words give it.
UNNAMED = re.compile(
    r"^(?:неизвестн\w*|неустановленн\w*|не\s+установлен\w*|безымянн\w*|unknown|unidentified"
    r"|unnamed|inconnue?|non\s+identifiée?|unbekannte?r?|nicht\s+identifiziert\w*)"
    r"(?:\s+(?P<who>\w+))?$",
    re.IGNORECASE,
)
MEN = frozenset(["мужчина", "man", "male", "homme", "mann", "мужского"])
WOMEN = frozenset(["женщина", "woman", "female", "femme", "frau", "женского", "девушка", "girl"])
# A person described, not named, where a name should be ("житель Аргуна",
# "мужчина из Грозного", "a young man from Shali", "un habitant de Grozny",
# "ein Mann aus Grosny", "Аноним"): no name either, or every such record
# would agree with every other on the words "житель" or "man". The word
# for who they are, after an article, an age or a word such as "young",
# and the sex it says.
DESCRIBED_MEN = (
    r"житель|жителя|уроженец|уроженца|мужчина|мужчину|парень|парня|юноша|юношу|мальчик|"
    r"молодой\s+человек|задержанный|студент|man|boy|homme|habitant|garcon|garçon|mann|einwohner|"
    r"junge"
)
DESCRIBED_WOMEN = (
    r"жительница|жительницу|уроженка|уроженку|женщина|женщину|девушка|девушку|девочка|"
    r"задержанная|студентка|woman|girl|femme|habitante|fille|frau|einwohnerin|madchen|mädchen"
)
DESCRIBED_ANYONE = (
    r"человек|подросток|жертва|пострадавший|пострадавшая|задержанные|"
    r"аноним|анонимно|resident|native|person|victim|detainee|student|teenager|youth|"
    r"anonymous|anonyme?|personne|victime|opfer"
)
DESCRIBED = re.compile(
    r"^(?:(?:a|an|one|the|un|une|ein|eine|der|die|le|la|l['’]|один|одна|ещ[её]\s+один)\s*)?"
    r"(?:(?:\d+\s*-?\s*(?:year-old|летн\w*|ans|j[aä]hrig\w*)|young|local|молод\w*(?!\s+человек)|"
    r"местн\w*|jeune|junge[rn]?)\s+)*"
    rf"(?:(?P<man>{DESCRIBED_MEN})|(?P<woman>{DESCRIBED_WOMEN})|(?:{DESCRIBED_ANYONE}))"
    r"(?:[\s,].*)?$",
    re.IGNORECASE,
)

SURNAME_ENDING = re.compile(
    r"(?:ов|ев|ёв|ин|ын|ова|ева|ёва|ина|ына|ский|цкий|ская|цкая|ской|ских|ых|их)$"
)
FEMALE_SURNAME = re.compile(r"(?:ова|ева|ёва|ина|ына|ская|цкая)$")
PATRONYMIC_ENDING = re.compile(r"(?:ович|евич|овна|евна|ич|ична|инична)$")
FEMALE_PATRONYMIC = re.compile(r"(?:овна|евна|ична)$")
INITIAL = re.compile(r"^(?:[^\W\d_]{1,2}\.|[^\W\d_])$")
DOTTED_INITIALS = re.compile(r"^(?:[^\W\d_]{1,2}\.){2,3}$")


@dataclass(frozen=True)
class GivenName:
    canonical: str  # the key of the group's first form
    sex: str  # "m" or "f"


def _given_names() -> tuple[dict[str, GivenName], list[tuple[str, str, str]]]:
    """Every key a listed form reaches (Latin forms read in every system),
    to its group; and the keys that two groups both reach (a mistake in
    the table, kept apart by first come)."""
    with (REFERENCE / "given_names.toml").open("rb") as source:
        groups = tomllib.load(source)["names"]
    found: dict[str, GivenName] = {}
    clashes = []
    for group in groups:
        canonical = fold(cyrillic(group["forms"][0]))
        entry = GivenName(canonical, group["sex"])
        for form in group["forms"]:
            keys = (
                {fold(cyrillic(form))}
                if is_cyrillic(form)
                else {fold(cyrillic(form, code)) for code in SYSTEMS}
            )
            for key in keys:
                if not key:
                    continue
                if key in found and found[key].canonical != canonical:
                    clashes.append((key, found[key].canonical, canonical))
                    continue
                found[key] = entry
    return found, clashes


GIVEN_NAMES, GIVEN_NAME_CLASHES = _given_names()


@dataclass(frozen=True)
class Name:
    """A written name as keys; "" where the name does not say."""

    surname: str = ""  # key of the male form
    given: tuple[str, ...] = ()  # keys of the given name's parts (Саид-Магомед: two)
    initial: str = ""  # first letter of the given name's key, or its initial
    patronymic: str = ""  # key of the father's name
    patronymic_initial: str = ""
    surname_initial: str = ""
    sex: str = ""  # "m" or "f", as the name shows it
    pseudonym: bool = False
    # Written as unknown or described, not named ("неизвестный мужчина",
    # "житель Аргуна"): no name to compare, as for a pseudonym.
    unnamed: bool = False
    # Every initial a source may write for the given name: its own first,
    # then those of the name's other known spellings in the order of the
    # given-name table (Умар is У. or, as Omar, O.).
    initials: tuple[str, ...] = ()

    @property
    def given_key(self) -> str:
        return "".join(self.given)


def initial_of(key: str) -> str:
    """A key's first sound: sh, ch and zh are one (Ш. is not С.)."""
    return key[:2] if key[:2] in ("sh", "ch", "zh") else key[:1]


def initial_letter(cyrillic_text: str) -> str:
    """The initial a source writes for a name read into Cyrillic: its first
    letter alone (Д. for Джамбулат, as Dzh. reads back to д), in the classes
    of the fold (a vowel after it, so that a lone Д. is not taken for a
    word's last letter and made Т.)."""
    letters = re.sub(r"[^а-яё]", "", cyrillic_text)
    return initial_of(fold(letters[:1] + "а")) if letters else ""


def _spelled_initials() -> dict[str, tuple[str, ...]]:
    """For each name of the given-name table (its canonical key), the
    initials of all its spellings, each Latin one read in the system its
    letters show (system_for): a list that writes "O. Musayev" abbreviates
    Omar, which is Умар."""
    with (REFERENCE / "given_names.toml").open("rb") as source:
        groups = tomllib.load(source)["names"]
    found: dict[str, tuple[str, ...]] = {}
    for group in groups:
        letters: dict[str, None] = {}
        for form in group["forms"]:
            reading = (
                cyrillic(form)
                if is_cyrillic(form)
                else cyrillic(form, system_for(form, DEFAULT_SYSTEM))
            )
            letters[initial_letter(reading)] = None
        found[fold(cyrillic(group["forms"][0]))] = tuple(letter for letter in letters if letter)
    return found


SPELLED_INITIALS = _spelled_initials()


@functools.lru_cache(maxsize=1 << 18)
def key_of(word: str, system: str) -> str:
    return fold(cyrillic(word, system_for(word, system) if not is_cyrillic(word) else system))


@functools.lru_cache(maxsize=1 << 16)
def _known_elsewhere(word: str, system: str) -> GivenName | None:
    """The given name a Latin word is when read in another system than its
    list's, if it is no known name in that one and all other readings that
    are known names agree ("Chassan" in a French file is Шассан, no name;
    read as a German passport writes it, Хасан)."""
    if is_cyrillic(word):
        return None
    found = {
        GIVEN_NAMES[key].canonical: GIVEN_NAMES[key]
        for other in SYSTEMS
        if other != system and (key := fold(cyrillic(word, other))) in GIVEN_NAMES
    }
    return next(iter(found.values())) if len(found) == 1 else None


def _hand(words: list[str], system: str) -> str:
    """The system one name was written in. A name is written by one hand:
    a word that plainly shows another system than its list's (Umarow,
    German) says how the others are read too (Chassan: Хасан, not
    Шассан)."""
    shown = {system_for(word, system) for word in words if not is_cyrillic(word)} - {system}
    return shown.pop() if len(shown) == 1 else system


def _given_parts(words: list[str], system: str) -> tuple[str, ...]:
    """A given name's keys: each part through the table, a compound written
    as one word (Саидмагомед) split where both halves are known names."""
    joined = key_of("".join(words), system) if len(words) > 1 else ""
    if joined in GIVEN_NAMES:  # "Abu Bakr", one name written in two words
        return (GIVEN_NAMES[joined].canonical,)
    parts: list[str] = []
    for word in words:
        for piece in re.split(r"[-‐–]", word):
            folded = key_of(piece, system)
            if not folded:
                continue
            known = GIVEN_NAMES.get(folded) or _known_elsewhere(piece, system)
            if known:
                parts.append(known.canonical)
            else:
                parts.extend(_split_compound(folded))
    return tuple(parts)


@functools.lru_cache(maxsize=1 << 16)
def _split_compound(folded: str) -> tuple[str, ...]:
    if len(folded) >= 7:
        for cut in range(3, len(folded) - 2):
            # The first part's last letter was not at the end of a word: Саид-.
            head = re.sub("d$", "t", folded[:cut])
            left, right = GIVEN_NAMES.get(head), GIVEN_NAMES.get(folded[cut:])
            if left and right:
                return (left.canonical, right.canonical)
    return (folded,)


@functools.lru_cache(maxsize=1 << 18)
def _male_surname(word: str, system: str) -> tuple[str, str]:
    """(key of the male form, the sex the ending shows)."""
    text = cyrillic(word, system_for(word, system) if not is_cyrillic(word) else system)
    sex = ""
    if FEMALE_SURNAME.search(text) and len(text) > 5:
        sex = "f"
        text = text[:-2] + "ий" if text.endswith("ая") else text[:-1]
    # (A male form says nothing: sources write women's surnames so too.)
    return fold(text), sex


@functools.lru_cache(maxsize=1 << 18)
def _patronymic(word: str, system: str) -> tuple[str, str]:
    """(key of the father's name, the sex the ending shows)."""
    text = cyrillic(word, system_for(word, system) if not is_cyrillic(word) else system)
    sex = "f" if FEMALE_PATRONYMIC.search(text) else "m"
    root = re.sub(r"(?:ович|евич|овна|евна|инична|ична|ич)$", "", text)
    known = GIVEN_NAMES.get(fold(root))
    return (known.canonical if known else fold(root)), sex


@functools.lru_cache(maxsize=1 << 18)
def _initial(word: str, system: str) -> str:
    letters = word.rstrip(".")
    if not letters:
        return ""
    return initial_letter(
        cyrillic(letters, system_for(letters, system) if not is_cyrillic(letters) else system)
    )


@functools.lru_cache(maxsize=1 << 18)
def is_patronymic(word: str, system: str = DEFAULT_SYSTEM) -> bool:
    text = cyrillic(word, system_for(word, system) if not is_cyrillic(word) else system)
    return len(text) > 5 and bool(PATRONYMIC_ENDING.search(text))


@functools.lru_cache(maxsize=1 << 18)
def looks_like_surname(word: str, system: str = DEFAULT_SYSTEM) -> int:
    """+1 if a word reads as a surname (its ending, and no known given name),
    -1 if as a given name, 0 if nothing tells."""
    read = system_for(word, system) if not is_cyrillic(word) else system
    text = cyrillic(word, read)
    # A compound of given names is one, whatever its last part ends in
    # (Said-Hussein).
    parts = [part for part in word.split("-") if part]
    if len(parts) > 1 and all(fold(cyrillic(part, read)) in GIVEN_NAMES for part in parts):
        return -1
    ending = bool(SURNAME_ENDING.search(text)) and len(text) > 4
    known = fold(text) in GIVEN_NAMES
    if ending and not known:
        return 1
    if known and not ending:
        return -1
    return 0


def _words(text: str) -> list[str]:
    """Words of a name; dotted initials written together ("М.А.") apart."""
    words: list[str] = []
    for word in text.replace(",", " ").split():
        if DOTTED_INITIALS.match(word):
            words.extend(piece + "." for piece in word.split(".") if piece)
        else:
            words.append(word.strip("'\"«»“”.") + ("." if word.endswith(".") else ""))
    # (An age or a number written beside the name is no part of it.)
    return [word for word in words if word.strip(".") and not any(ch.isdigit() for ch in word)]


def cleaned(text: str) -> tuple[str, bool]:
    """A name without what is written around it (brackets, quotes, a title
    before it, an age or a place after it), and whether it is marked as a
    pseudonym."""
    marked = bool(PSEUDONYM.search(text))
    body = BRACKETS.sub(" ", text)
    if (after := _after_name(body)) is not None:
        body = body[:after]
    body = TITLE.sub("", body.strip())
    body = PALOCHKA_FIRST.sub("Ӏ", body)
    return " ".join(body.replace("*", " ").split()), marked


# The Chechen palochka typed as 1, I or l at the start of a Cyrillic word
# ("1абдулла", "Хасанов Iаьрби"): the letter, not a digit.
PALOCHKA_FIRST = re.compile(r"(?<![\w])[1IlΙ|](?=[а-яёА-ЯЁ])")


@functools.lru_cache(maxsize=1 << 16)
def trailer(text: str) -> tuple[str, ...]:
    """What a press list writes after a name, in its comma-separated parts
    ("Магомед Умаров, 28 лет, житель Аргуна": "28 лет", "житель Аргуна"),
    for the linkage to read an age or a place from where the list has no
    column of its own for them; () for a name alone."""
    body = BRACKETS.sub(" ", text)
    after = _after_name(body)
    if after is None:
        return ()
    rest = body[after:].lstrip(" ,")
    return tuple(part.strip() for part in rest.split(",") if part.strip())


def _after_name(body: str) -> int | None:
    """Where what is written after a name begins (an age in digits or in
    words, a place, another name it goes by); None for a name alone."""
    found = AFTER_NAME.search(body)
    end = found.start() if found else len(body)
    comma = body.find(",")
    while 0 <= comma < end:
        # "Магомед Умаров, двадцать восемь лет": a number in words.
        part = body[comma + 1 :].split(",", 1)[0]
        if re.search(r"\d", in_digits(normal(part))):
            return comma
        comma = body.find(",", comma + 1)
    return found.start() if found else None


def _unnamed(body: str) -> Name | None:
    """No name, for a person the list could not name; None for a name."""
    found = UNNAMED.match(body)
    if found:
        who = (found["who"] or "").casefold()
        return Name(sex="m" if who in MEN else "f" if who in WOMEN else "", unnamed=True)
    described = DESCRIBED.match(body)
    if described:
        sex = "m" if described["man"] else "f" if described["woman"] else ""
        return Name(sex=sex, unnamed=True)
    return None


def _title_sex(text: str) -> str:
    found = TITLE.match(text.strip())
    if not found or found["title"].casefold() == "гр":  # гражданин or гражданка
        return ""
    return "f" if found["title"].casefold() in FEMALE_TITLES else "m"


@functools.lru_cache(maxsize=1 << 18)
def surname_position(text: str, system: str = DEFAULT_SYSTEM) -> str:
    """ "first" or "last" if the name itself says where its surname is, else ""."""
    body, _marked = cleaned(text)
    if "," in body:
        return "first"
    words = [w for w in _words(body) if not INITIAL.match(w) and not is_patronymic(w, system)]
    if len(words) < 2:
        return ""
    first, last = looks_like_surname(words[0], system), looks_like_surname(words[-1], system)
    # Capitals mark the surname, unless the words themselves say the
    # opposite: a known given name in capitals beside a word with a
    # surname's ending is a name typed the wrong way round ("SHAMIL
    # Baysayev").
    capitals = [w.isupper() and len(w) > 1 for w in words]
    if any(capitals) and not all(capitals) and abs(first - last) < 2:
        return "first" if capitals[0] else "last" if capitals[-1] else ""
    if first > last:
        return "first"
    if last > first:
        return "last"
    return ""


def parse(text: str, system: str = DEFAULT_SYSTEM, surname_first: bool | None = None) -> Name:
    """A full name in one column, in any order: "Surname Given Patronymic",
    "Given Patronymic Surname", "Given Surname", "SURNAME, Given",
    "Surname G. P.", "G. Surname", initials alone. `surname_first` is the
    list's usual order, for names that do not say (by default Cyrillic
    names put the surname first and Latin names last)."""
    body, marked = cleaned(text)
    if marked:
        return Name(pseudonym=True, sex=_sex_of_pseudonym(body, system))
    if (nobody := _unnamed(body)) is not None:
        return nobody
    comma = body.split(",", 1) if "," in body else None
    words = _words(body)
    if not words:
        return Name()
    initials = [w for w in words if INITIAL.match(w)]
    full = [w for w in words if not INITIAL.match(w)]
    patronymic_word = next(
        (w for i, w in enumerate(full) if i > 0 and len(full) > 1 and is_patronymic(w, system)),
        None,
    )
    if patronymic_word is not None:
        position = full.index(patronymic_word)
        full.remove(patronymic_word)
    if comma is not None:
        head = [w for w in _words(comma[0]) if not INITIAL.match(w)]
        surname_words = head[:1] if head else full[:1]
        # A known given name before the comma and a word with a surname's
        # ending after it: typed the wrong way round ("ADLAN, Gerikhanov").
        after = [w for w in full if w not in head]
        if head and looks_like_surname(head[0], system) < 0:
            ending = [w for w in after if looks_like_surname(w, system) > 0]
            if len(ending) == 1:
                surname_words = ending
    else:
        where = surname_position(body, system)
        if not where and patronymic_word is not None and len(full) >= 2:
            # "Умаров Магомед Саидович" / "Магомед Саидович Умаров".
            where = "first" if position == len(full) else "last"
        told = bool(where)
        if not where:
            if surname_first is None:
                surname_first = is_cyrillic(body)
            where = "first" if surname_first else "last"
        if not told and len(full) > 1 and all(looks_like_surname(w, system) < 0 for w in full):
            # Given names only ("Саид Магомед", a compound written apart, as
            # the press names a man without his surname).
            full = ["-".join(full)]
            surname_words = []
        elif len(full) == 1:
            # One word with initials is a surname ("Магомадов М. А."),
            # unless it is a known given name without a surname's ending:
            # then the initial is the surname's ("Хамзат Ч.", the press's
            # way of hiding a name).
            only = full[0]
            guess = looks_like_surname(only, system)
            surname_words = [only] if guess > 0 or (initials and guess == 0) else []
        elif full:
            surname_words = [full[0]] if where == "first" else [full[-1]]
        else:
            surname_words = []
    given_words = [w for w in full if w not in surname_words]
    found = _name(surname_words, given_words, patronymic_word, initials, system, body)
    if not found.sex and (titled := _title_sex(text)):
        return replace(found, sex=titled)
    return found


def _sex_of_pseudonym(body: str, system: str) -> str:
    """A pseudonym still tells the sex the source chose for it."""
    for word in _words(body):
        if INITIAL.match(word):
            continue
        known = GIVEN_NAMES.get(key_of(word, system))
        if known:
            return known.sex
    return ""


def _name(
    surname_words: list[str],
    given_words: list[str],
    patronymic_word: str | None,
    initials: list[str],
    system: str,
    body: str,
) -> Name:
    system = _hand(
        [*surname_words, *given_words, *([patronymic_word] if patronymic_word else [])], system
    )
    surname, surname_sex = ("", "")
    if surname_words:
        surname, surname_sex = _male_surname("-".join(surname_words), system)
    given = _given_parts(given_words, system)
    patronymic, patronymic_sex = ("", "")
    if patronymic_word:
        patronymic, patronymic_sex = _patronymic(patronymic_word, system)
    letters = [_initial(w, system) for w in initials]
    initial = _initial(given_words[0], system) if given_words and given else ""
    patronymic_initial = _initial(patronymic_word, system) if patronymic_word else ""
    surname_initial = _initial(surname_words[0], system) if surname_words else ""
    if not given and letters:
        initial = letters.pop(0)
    if not patronymic and letters and surname:
        patronymic_initial = letters.pop(0)
    if not surname and letters:
        surname_initial = letters.pop(-1)
    # The sex of the first part that tells it ("Хаджи-Ахмед": Ахмед).
    known = next((GIVEN_NAMES[part] for part in given if part in GIVEN_NAMES), None)
    sex = patronymic_sex or (known.sex if known else "") or surname_sex
    spelled = dict.fromkeys([initial] if initial else [])
    if given:
        spelled |= dict.fromkeys(SPELLED_INITIALS.get(given[0], ()))
    return Name(
        surname=surname,
        given=given,
        initial=initial,
        initials=tuple(spelled),
        patronymic=patronymic,
        patronymic_initial=patronymic_initial,
        surname_initial=surname_initial,
        sex=sex,
    )


def parse_parts(
    surname: str = "", given: str = "", patronymic: str = "", system: str = DEFAULT_SYSTEM
) -> Name:
    """A name in separate columns. A surname and given name typed into each
    other's columns are put back (the given name is a known one and the
    surname has a surname's ending, or the other way round); a given-name
    column holding the patronymic too is split."""
    surname_text, marked_s = cleaned(surname)
    given_text, marked_g = cleaned(given)
    patronymic_text, marked_p = cleaned(patronymic)
    if marked_s or marked_g or marked_p:
        return Name(pseudonym=True, sex=_sex_of_pseudonym(given_text, system))
    if not given_text and not patronymic_text and (nobody := _unnamed(surname_text)):
        return nobody
    # A whole name typed into one column, the others left empty ("MUSAYEV,
    # Ibragim I." or "Магомадов М. А." under the surname): read as a name
    # in one column, in the order that column suggests.
    # (Under the given name, only with a word that reads as a surname:
    # "Said Emi" there is a compound given name.)
    if not patronymic_text and bool(surname_text) != bool(given_text):
        alone = surname_text or given_text
        words = [w for w in _words(alone) if not INITIAL.match(w)]
        whole = words and ("," in alone or len(_words(alone)) > 1)
        if whole and (surname_text or any(looks_like_surname(w, system) > 0 for w in words)):
            return parse(alone, system, surname_first=bool(surname_text))
    surname_words = [w for w in _words(surname_text) if not INITIAL.match(w)]
    given_all = _words(given_text)
    initials = [w for w in given_all if INITIAL.match(w)]
    initials += [w for w in _words(patronymic_text) if INITIAL.match(w)]
    given_words = [w for w in given_all if not INITIAL.match(w)]
    patronymic_word = next(
        (w for w in _words(patronymic_text) if not INITIAL.match(w)),
        None,
    )
    if patronymic_word is None:
        found = [w for w in given_words[1:] if is_patronymic(w, system)]
        if found:
            patronymic_word = found[0]
            given_words.remove(found[0])
    if surname_words and given_words and len(surname_words) == len(given_words) == 1:
        as_written = looks_like_surname(surname_words[0], system) - looks_like_surname(
            given_words[0], system
        )
        if as_written < 0:
            surname_words, given_words = given_words, surname_words
    if not surname_words and not given_words:
        surname_initials = [w for w in _words(surname_text) if INITIAL.match(w)]
        initials = initials + surname_initials
    return _name(surname_words, given_words, patronymic_word, initials, system, "")


def usual_order(texts: list[str], system: str = DEFAULT_SYSTEM) -> bool | None:
    """Whether the names of one list put the surname first, from those
    whose own words say so; None if none says."""
    first = last = 0
    for text in texts:
        where = surname_position(text, system)
        first += where == "first"
        last += where == "last"
    if first == last:
        return None
    return first > last


# --- Kept for callers of the first version ------------------------------------------


def given_key(word: str, system: str = DEFAULT_SYSTEM) -> str:
    return "".join(_given_parts([word], system))


def surname_key(word: str, system: str = DEFAULT_SYSTEM) -> str:
    return _male_surname(word, system)[0]


def same_person_score(first: str, second: str) -> float:
    """0 to 1: how well two written names agree once read into keys (for
    review; the linkage model weighs each part on its own)."""
    from rapidfuzz.distance import JaroWinkler

    a, b = parse(first), parse(second)
    if not a.surname or not b.surname:
        return 0.0
    score = JaroWinkler.similarity(a.surname, b.surname)
    if a.given and b.given:
        score = (score + JaroWinkler.similarity(a.given_key, b.given_key)) / 2
    elif a.initial and b.initial:
        score = score * (1.0 if a.initial == b.initial else 0.5)
    if a.patronymic and b.patronymic and a.patronymic != b.patronymic:
        score *= 0.8
    return float(score)
