"""The case page reads as a page, in the reader's language: who the person
is (name, each contact as method and handle, where they are, who travels
with them) and what happened (paragraphs, then the request's other
answers as labelled lines), never as Python or JSON."""

from __future__ import annotations

import html
import re

import pytest
from django.test import Client

from safepassage.cases.models import Case
from safepassage.cases.presenting import read_narrative
from safepassage.intake.models import Question, Submission
from tests.base import Organisation, Vault, sign_in
from tests.intake.helpers import send_request

pytestmark = pytest.mark.django_db


def _case_page(org: Organisation, language: str = "en") -> str:
    Question.objects.create(
        key="has_passport",
        kind=Question.Kind.YESNO,
        label_en="Do you have a passport?",
        label_ru="Есть ли у вас загранпаспорт?",
        label_fr="Avez-vous un passeport ?",
    )
    send_request(
        name="Zelim",
        happened="They came at night.\n\nThey took my phone.",
        situation=["hiding", "family"],
        contact_method_2="email",
        contact_handle_2="zelim@example.org",
        place="Argun",
        household="2",
        household_notes="mother and brother",
        q_has_passport="yes",
    )
    client = Client()
    sign_in(client, org.coordinator)
    client.post(f"/intake/{Submission.objects.get().code}/open-case/")
    client.post("/i18n/language/", {"language": language, "next": "/"})
    return html.unescape(client.get(f"/cases/{Case.objects.get().code}/").content.decode())


def _facts(page: str) -> dict[str, str]:
    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", page, flags=re.S)
    return {
        re.sub(r"<[^>]+>", "", k).strip(): re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", v)).strip()
        for k, v in pairs
    }


def test_the_case_page_reads_as_a_page(org: Organisation, vault: Vault) -> None:
    page = _case_page(org)
    assert "[{" not in page
    assert "{'" not in page
    assert '"situation"' not in page
    assert "<li>Signal: <code>+7 928 000 11 22</code></li>" in page
    assert "<li>E-mail: <code>zelim@example.org</code></li>" in page
    facts = _facts(page)
    assert facts["Name they gave"] == "Zelim"
    assert facts["Where"] == "Chechnya, Argun"
    assert facts["Household"] == "2 other people travel with them: mother and brother"
    assert facts["Situation"] == "I am in hiding; My family threatens me"
    assert facts["Language of the request"] == "English"
    assert facts["Urgency"] == "in hiding or detained before"
    assert facts["Do you have a passport?"] == "yes"
    assert "<p>They came at night.</p><p>They took my phone.</p>" in page


def test_the_case_page_speaks_russian(org: Organisation, vault: Vault) -> None:
    page = _case_page(org, "ru")
    facts = _facts(page)
    assert facts["Где"] == "Чечня, Argun"
    assert facts["Есть ли у вас загранпаспорт?"] == "да"
    assert "Я скрываюсь" in facts["Ситуация"]
    assert "Ситуация" in page
    for english in ("Name they gave", "Household", "Situation", "What happened"):
        assert english not in page


def test_a_narrative_without_answers_is_all_paragraphs() -> None:
    assert read_narrative("One.\n\n\nTwo\nlines.").paragraphs == ["One.", "Two\nlines."]
    broken = read_narrative("Story.\n\n{not json")
    assert broken.paragraphs == ["Story.", "{not json"]
    assert broken.details == []
    answered = read_narrative('Story.\n\n{\n "answers": {},\n "note": [1, true]\n}')
    assert answered.paragraphs == ["Story."]
    assert answered.details == [("note", "1; yes")]


def test_the_case_page_shows_each_person_of_the_household(org: Organisation, vault: Vault) -> None:
    from safepassage.cases.models import Person
    from tests.cases.helpers import open_household, person, verifier_with_intake_only

    case = open_household(
        org.coordinator,
        person("Zelim", handle="+7 928 000 11 22"),
        person("Kheda", relationship="sister", age=16),
        person(""),
    )
    Person.objects.filter(case=case, position=1).update(minor=True)
    client = Client()
    sign_in(client, org.coordinator)
    page = html.unescape(client.get(f"/cases/{case.code}/").content.decode())
    assert "Identity(" not in page
    assert "Contact(" not in page
    facts = _facts(page)
    assert facts["Name they gave"] == "Zelim"
    assert facts["Household"] == "2 other people travel with them"
    assert facts["Urgency"] == "other"
    travelling = page.split("Travelling with them", 1)[1].split("What happened", 1)[0]
    member = _facts(travelling)
    assert member == {
        "Name": "Kheda",
        "Relationship": "sister",
        "Age": "16",
        "Minor": "yes",
    }
    # Someone of the team without identity's keys sees no one.
    Case.objects.filter(pk=case.pk).update(team=org.team)
    sign_in(client, verifier_with_intake_only(org, vault))
    page = client.get(f"/cases/{case.code}/").content.decode()
    assert "Only members of the identity compartment can read this." in page
    assert "Kheda" not in page
    assert "Zelim" not in page
