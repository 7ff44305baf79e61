"""A new list's columns guessed from its headings, for the analyst to
confirm: lists come with headings in Russian, English, French or German
("ФИО", "Дата задержания", "Né(e) le", "Hometown"), and typing each of them
again into the import is where mistakes are made.

Nothing is imported on a guess: the import page fills its columns in with
it and the command line prints the `--map` options, and the analyst checks
them and imports again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from safepassage.analysis.periods import normal
from safepassage.analysis.romanization import detect, is_cyrillic, key, system_for

# Each field's headings, as `_plain` writes them, the more precise before
# the plainer in each language. A heading that means either of two fields
# is in both, and `guess` decides between them.
HEADINGS: dict[str, tuple[str, ...]] = {
    "id": (
        "id", "no", "n", "nr", "num", "number", "п п", "номер", "record", "record id", "ref",
        "reference", "case", "case no", "case number", "code", "dossier", "n dossier",
        "numero", "numero de dossier", "nummer", "aktenzeichen", "no п п",
        "lfd nr", "lfd", "laufende nummer", "pos", "n d ordre", "no d ordre",
        "код", "шифр", "номер дела", "annex ref", "ref no", "case ref", "case id", "item",
    ),
    "name": (
        "фио", "ф и о", "фамилия имя отчество", "фамилия имя", "имя фамилия", "имя и фамилия",
        "фамилия и имя", "имя", "name",
        "full name", "fullname", "name of victim", "victim", "victim name", "person",
        "nom", "nom complet", "nom et prenom", "nom prenom", "identite", "name vorname",
        "vollstandiger name", "фио пострадавшего", "пострадавший", "потерпевший", "жертва",
        "кто", "victime", "opfer",
    ),
    "surname": (
        "фамилия", "surname", "last name", "family name", "lastname", "nom", "nom de famille",
        "nachname", "familienname", "name",
    ),
    "given": (
        "имя", "first name", "firstname", "given name", "given names", "forename", "prenom",
        "prenoms", "prenom s", "vorname", "vornamen", "name",
    ),
    "patronymic": (
        "отчество", "patronymic", "middle name", "father s name", "patronyme", "vatersname",
    ),
    "sex": ("пол", "sex", "gender", "sexe", "genre", "geschlecht"),
    "birth": (
        "дата рождения", "год рождения", "год рождения возраст", "дата рождения возраст", "д р",
        "г р", "рождение", "родился", "date of birth",
        "dob", "d o b", "birth", "birth date", "birthdate", "born", "year of birth",
        "birth year", "ne e le", "ne le", "nee le", "ne e en", "date de naissance",
        "annee de naissance", "naissance", "geburtsdatum", "geboren", "geburtsjahr",
    ),
    "age": ("возраст", "лет", "полных лет", "сколько лет", "age", "age years", "alter"),
    "age_date": (
        "дата публикации", "опубликовано", "дата статьи", "published", "publication date",
        "date of publication", "date published", "article date", "date de publication",
        "publie le", "parution", "veroffentlicht", "veroffentlichung", "datum der veroffentlichung",
        "статья от", "дата сообщения", "дата записи", "дата материала", "paru le",
        "date de parution", "reported on", "date reported", "date of report",
        "date of article", "date de l article", "article du", "artikel vom", "artikeldatum",
        "datum des artikels",
    ),
    "place": (
        "место проживания", "место жительства", "откуда", "откуда родом", "населенный пункт",
        "нас пункт", "город", "село", "адрес", "проживает", "житель", "место", "hometown",
        "home town", "home",
        "place of residence", "residence", "from", "town", "village", "city", "place",
        "origin", "place of origin", "ville d origine", "commune d origine", "commune", "ville",
        "lieu de residence", "domicile", "origine", "wohnort", "herkunft", "herkunftsort", "ort",
    ),
    "event_date": (
        "дата задержания", "когда задержан", "когда задержана", "задержан", "дата событий",
        "дата события", "дата похищения", "дата", "период", "date of detention", "detained",
        "date detained", "detention date", "date of arrest", "arrested", "date of incident",
        "incident date", "date", "when", "period", "date des faits", "date de l arrestation",
        "date de l incident", "date d arrestation", "datum der festnahme", "festgenommen",
        "festnahme", "datum der verhaftung", "verhaftung", "verhaftet", "festnahmedatum",
        "дата ареста", "арестован", "дата похищения", "похищен", "date of abduction",
        "abducted", "date of disappearance", "disappeared", "arrestation", "date d enlevement",
        "enleve", "entfuhrung", "verschwunden", "когда задержали", "когда похищен", "когда",
        "date of deprivation of liberty", "deprivation of liberty", "date of the events",
        "datum des vorfalls",
        "datum",
    ),
    "detention_place": (
        "где содержался", "где содержалась", "где содержался а", "место содержания",
        "место задержания", "где задержан", "place of detention", "held at", "held in",
        "where held", "detained at", "detention place", "lieu de detention",
        "lieu de l arrestation", "haftort", "festgehalten in", "где содержится", "где удерживался",
        "где удерживалась", "где удерживали",
        "где содержатся", "где держали", "place of deprivation of liberty", "place held",
        "ort der haft",
    ),
    "act": (
        "что произошло", "нарушение", "вид нарушения", "что случилось", "violation", "act",
        "incident", "what happened", "type of violation", "faits", "acte", "nature des faits",
        "tat", "vorfall",
    ),
    "notes": (
        "примечание", "примечания", "комментарий", "комментарии", "notes", "note",
        "comments", "comment", "remarks", "remarques", "observations", "anmerkungen",
        "bemerkungen",
        "bemerkung", "anmerkung", "kommentar", "hinweis", "hinweise", "remarque",
        "commentaire", "commentaires",
    ),
}  # fmt: skip


# How far down a file its column titles are looked for: a list saved from
# a spreadsheet often has a title, a date or a note above them.
TITLES_WITHIN = 10
NAME_FIELDS = ("name", "surname", "given", "patronymic")


def header_row(rows: Sequence[Sequence[str]], wanted: Iterable[str] = ()) -> int:
    """Which of a file's first rows holds its column titles (0 for the
    first): the first that holds every title in `wanted` (the columns a
    mapping names); else the first whose titles name a column of the name
    and another (a data row with "Victim" in it names one at most); else
    the first with two cells or more filled in; else the first."""
    top = list(rows[:TITLES_WITHIN])
    titles = {str(title).strip() for title in wanted}
    cells = [sum(1 for cell in row if str(cell).strip()) for row in top]
    said = [guess(row) for row in top]
    found = (at for at, row in enumerate(top) if titles <= {str(c).strip() for c in row})
    named = (
        at
        for at, fields in enumerate(said)
        if any(f in fields for f in NAME_FIELDS) and (len(fields) >= 2 or cells[at] == 1)
    )
    filled = (at for at, count in enumerate(cells) if count >= 2)
    for candidates in ((found,) if titles else ()) + (named, filled):
        if (at := next(candidates, None)) is not None:
            return at
    return 0


def _plain(heading: str) -> str:
    """Lower case, without accents or punctuation, one space apart (ё is е,
    № and # are no), as dates are read."""
    return " ".join(re.sub(r"\W+", " ", normal(heading.replace("#", " no ")).casefold()).split())


def _letters(heading: str) -> list[str]:
    """A heading's words, with the signs romanisations write for ь and ъ."""
    return re.sub(r"[^\w`'ʹʺ’]+", " ", heading.casefold()).split()


# The Russian headings by the key of their words: a list typed in Latin
# letters titles its columns in romanised Russian ("Familija", "God
# roždenija", "data zaderzhaniya").
RUSSIAN = {
    " ".join(key(word) for word in heading.split()): heading
    for headings in HEADINGS.values()
    for heading in headings
    if is_cyrillic(heading)
}
KNOWN = {heading for headings in HEADINGS.values() for heading in headings}


def _romanised(header: Sequence[str], plain: list[str]) -> list[str]:
    """Each plain heading, or the Russian heading a romanised one reads as
    (in the system the header's words show)."""
    system = detect(word for column in header for word in _letters(column))
    found = []
    for column, heading in zip(header, plain, strict=True):
        words = _letters(column)
        if heading in KNOWN or not words or is_cyrillic(column):
            found.append(heading)
            continue
        keys = " ".join(key(word, system_for(word, system)) for word in words)
        found.append(RUSSIAN.get(keys, heading))
    return found


def guess(header: Sequence[str]) -> dict[str, str]:
    """Our field -> the file's column, for the columns whose heading says
    which field they hold (each column and each field at most once).

    A heading that means a full name or a part of one ("Имя", "Name",
    "Nom") is the part where the file has a column for another part, and
    the full name where it has none."""
    plain = _romanised(header, [_plain(column) for column in header])
    known = {field: set(headings) for field, headings in HEADINGS.items()}
    found: dict[str, str] = {}
    taken: set[int] = set()

    def take(field: str) -> None:
        """The field's column: the one whose heading comes first among the
        field's (the more precise before the plainer: "Date of detention"
        before "Date")."""
        if field in found:
            return
        order = {heading: rank for rank, heading in enumerate(HEADINGS[field])}
        ranked = [(order[h], at) for at, h in enumerate(plain) if at not in taken and h in order]
        if ranked:
            _rank, at = min(ranked)
            found[field] = header[at]
            taken.add(at)

    for field in ("id", "patronymic", "sex", "birth", "age", "age_date", "detention_place"):
        take(field)
    # Parts of a name where a heading names a part no full name is called.
    parts = known["surname"] | known["given"]
    if any(heading in parts - known["name"] for heading in plain):
        take("surname")
        take("given")
    else:
        take("name")
        if "name" not in found:
            take("surname")
            take("given")
    for field in ("place", "event_date", "act", "notes"):
        take(field)
    return found
