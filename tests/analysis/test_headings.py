"""A new list's columns guessed from its headings: a suggestion for the
analyst to confirm, never an import on its own."""

from __future__ import annotations

import pytest

from safepassage.analysis.headings import guess


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
