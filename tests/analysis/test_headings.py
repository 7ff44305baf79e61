"""A new list's columns guessed from its headings: a suggestion for the
analyst to confirm, never an import on its own."""

from __future__ import annotations

import pytest

from safepassage.analysis.headings import guess, header_row


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        # "Имя" is the full name where no column holds a part of one ...
        (["Имя", "Возраст"], {"name": "Имя", "age": "Возраст"}),
        # ... and the given name beside a surname.
        (["Фамилия", "Имя", "Отчество", "Год рождения"],
         {"surname": "Фамилия", "given": "Имя", "patronymic": "Отчество",
          "birth": "Год рождения"}),
        # "Name" beside "Vorname" is the surname, as German lists write it.
        (["Name", "Vorname", "Geburtsdatum", "Wohnort"],
         {"surname": "Name", "given": "Vorname", "birth": "Geburtsdatum", "place": "Wohnort"}),
        # "NOM" beside "Prénom" is the surname; accents and case do not count.
        (["N° dossier", "NOM", "Prénom", "Né(e) le", "Sexe"],
         {"id": "N° dossier", "surname": "NOM", "given": "Prénom", "birth": "Né(e) le",
          "sex": "Sexe"}),
        # Ё is Е; "№ п/п" is a record number; a heading that says nothing is left alone.
        (["№ п/п", "Ф.И.О.", "Дата задержания", "Примечание", "Колонка 7"],
         {"id": "№ п/п", "name": "Ф.И.О.", "event_date": "Дата задержания",
          "notes": "Примечание"}),
        # Each field takes one column: the one that says it most precisely.
        (["Date", "Date of detention", "Name"],
         {"event_date": "Date of detention", "name": "Name"}),
        # German, French and English words for the arrest, a running number
        # and a remark.
        (["Lfd. Nr.", "Name", "Vorname", "Festnahme", "Haftort", "Bemerkung"],
         {"id": "Lfd. Nr.", "surname": "Name", "given": "Vorname", "event_date": "Festnahme",
          "detention_place": "Haftort", "notes": "Bemerkung"}),
        # A report's "deprivation of liberty", a code for the id, a title in
        # the present tense, "Prénom(s)", the date of an article in German.
        (["Annex ref", "Surname", "First name", "Date of deprivation of liberty",
          "Place of deprivation of liberty"],
         {"id": "Annex ref", "surname": "Surname", "given": "First name",
          "event_date": "Date of deprivation of liberty",
          "detention_place": "Place of deprivation of liberty"}),
        (["Код", "Имя", "Где содержится", "Статья от"],
         {"id": "Код", "name": "Имя", "detention_place": "Где содержится",
          "age_date": "Статья от"}),
        (["Réf.", "Nom", "Prénom(s)", "Patronyme"],
         {"id": "Réf.", "surname": "Nom", "given": "Prénom(s)", "patronymic": "Patronyme"}),
        (["Lfd. Nr.", "Name", "Alter", "Artikel vom"],
         {"id": "Lfd. Nr.", "name": "Name", "age": "Alter", "age_date": "Artikel vom"}),
        # Russian headings in Latin letters, in the system the header shows:
        # scholarly with its diacritics, GOST with ` for ь.
        (["ID", "Familija", "Imja", "Otčestvo", "God roždenija", "Mesto žitelʹstva", "Data"],
         {"id": "ID", "surname": "Familija", "given": "Imja", "patronymic": "Otčestvo",
          "birth": "God roždenija", "place": "Mesto žitelʹstva", "event_date": "Data"}),
        (["No", "FIO", "g.r.", "naselyonny`j punkt", "data zaderzhaniya"],
         {"id": "No", "name": "FIO", "birth": "g.r.", "place": "naselyonny`j punkt",
          "event_date": "data zaderzhaniya"}),
        (["#", "Victim", "Age", "From"],
         {"id": "#", "name": "Victim", "age": "Age", "place": "From"}),
        (["№ п/п", "Фамилия, имя, отчество", "Год рождения / возраст", "Когда",
          "Где удерживался", "Дата записи"],
         {"id": "№ п/п", "name": "Фамилия, имя, отчество", "birth": "Год рождения / возраст",
          "event_date": "Когда", "detention_place": "Где удерживался",
          "age_date": "Дата записи"}),
        (["N° d'ordre", "Nom", "Prénom", "Arrestation", "Remarque"],
         {"id": "N° d'ordre", "surname": "Nom", "given": "Prénom", "event_date": "Arrestation",
          "notes": "Remarque"}),
        (["№", "ФИО", "Дата ареста"], {"id": "№", "name": "ФИО", "event_date": "Дата ареста"}),
        (["Name", "Abducted", "Comment"],
         {"name": "Name", "event_date": "Abducted", "notes": "Comment"}),
        ([], {}),
    ],
)  # fmt: skip
def test_it_guesses_a_lists_columns_from_their_headings(
    header: list[str], expected: dict[str, str]
) -> None:
    assert guess(header) == expected


@pytest.mark.parametrize(
    ("rows", "wanted", "expected"),
    [
        # A title and a blank row above the titles.
        ([["Список задержанных, апрель 2017"], [], ["№", "ФИО", "Возраст"], ["1", "У", "28"]],
         (), 2),
        # A title that fills two cells, above titles that say what they hold.
        ([["Список задержанных", "", "на 12.04.2017"], ["№", "ФИО", "Возраст"], ["1", "У", "2"]],
         (), 1),
        # Titles that say nothing known: the first row of two cells or more.
        ([["Title"], ["", ""], ["Col1", "Col2"], ["x", "y"]], (), 2),
        ([["A", "B"], ["x", "y"]], (), 0),
        # A data row that holds a word of a title is not taken for the titles.
        ([["Col1", "Col2"], ["x", "victim"], ["y", "Person"]], (), 0),
        # A list of names alone.
        ([["Список"], ["ФИО"], ["Умаров Магомед"]], (), 1),
        # The columns a list's mapping names, wherever they stand.
        ([["Title", ""], ["N", "Nom"], ["1", "x"]], ("Nom",), 1),
        ([["Nom", "N"], ["Nom", "x"]], ("Nom", "N"), 0),
    ],
)  # fmt: skip
def test_the_column_titles_are_found_below_a_title(
    rows: list[list[str]], wanted: tuple[str, ...], expected: int
) -> None:
    assert header_row(rows, wanted) == expected
