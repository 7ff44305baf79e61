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


# --- The workflow on the case page -------------------------------------------------

WORKFLOW_POSTS = {
    "move": "move",
    "edit": "case",
    "team": "team",
    "verification/check": "check",
    "verification/outcome": "outcome",
    "unlock": "unlock",
}


def _form(prefix: str, **fields: object) -> dict[str, object]:
    """A form of the case page as a browser sends it (each has a prefix)."""
    return {f"{prefix}-{name}": value for name, value in fields.items()}


def _workflow_case(org: Organisation) -> Case:
    from tests.cases.helpers import open_household, person

    case = open_household(
        org.coordinator,
        person("Zelimkhan Bakaev", handle="+7 928 765 43 21"),
        person("Kheda Bakaeva", relationship="sister"),
    )
    Case.objects.filter(pk=case.pk).update(team=org.team)
    case.refresh_from_db()
    return case


def _page(org_user: object, case: Case) -> str:
    client = Client()
    sign_in(client, org_user)  # type: ignore[arg-type]
    response = client.get(f"/cases/{case.code}/")
    assert response.status_code == 200
    return response.content.decode()


def test_until_acceptance_only_verifiers_read_the_identity(org: Organisation, vault: Vault) -> None:
    from safepassage.audit.models import AuditEntry
    from tests.cases.helpers import at_stage, verifier

    checker = verifier(org, vault)
    case = _workflow_case(org)
    for stage in ("received", "screening", "verified"):
        at_stage(case, stage)
        page = _page(org.caseworker, case)
        for secret in ("Zelimkhan", "Bakaev", "Kheda", "765 43 21"):
            assert secret not in page, (stage, secret)
        assert "only verifiers and coordinators read who the person is" in page
        assert case.code in page
        assert "Zelimkhan Bakaev" in _page(checker, case)
        assert "Zelimkhan Bakaev" in _page(org.coordinator, case)
    assert AuditEntry.objects.filter(action="case.viewed").last().details == {  # type: ignore[union-attr]
        "identity": True,
        "narrative": True,
    }
    at_stage(case, "accepted")
    assert "Zelimkhan Bakaev" in _page(org.caseworker, case)
    # A case that left the way after acceptance stays readable; one
    # declined before it never was.
    at_stage(case, "lost_contact")
    assert "Zelimkhan Bakaev" in _page(org.caseworker, case)
    at_stage(case, "declined")
    assert "Zelimkhan" not in _page(org.caseworker, case)


def test_an_outsider_gets_the_same_404_for_every_page_of_the_workflow(
    org: Organisation, vault: Vault
) -> None:
    case = _workflow_case(org)
    client = Client()
    sign_in(client, org.outsider)
    missing = "C-ZZZZZZ"
    for code in (case.code, missing):
        assert client.get(f"/cases/{code}/").status_code == 404
        for path, prefix in WORKFLOW_POSTS.items():
            form = _form(prefix, version=1, to="screening", reason="x", kind="interview")
            response = client.post(f"/cases/{code}/{path}/", form)
            assert response.status_code == 404, path
    case.refresh_from_db()
    assert (case.stage, case.version) == ("received", 1)
    # An address that is no case's code is not found either.
    assert client.get("/cases/not-a-case-code/").status_code == 404


def test_the_page_says_what_is_next_and_moves_the_case(org: Organisation, vault: Vault) -> None:
    from safepassage.cases.models import StageChange

    case = _workflow_case(org)
    client = Client()
    sign_in(client, org.coordinator)
    page = client.get(f"/cases/{case.code}/").content.decode()
    assert "What is needed next" in page
    assert "Start screening: a verifier contacts the person and interviews them." in page
    assert 'name="move-to" value="screening"' in page
    response = client.post(
        f"/cases/{case.code}/move/", _form("move", version=case.version, to="screening", reason="")
    )
    assert response.status_code == 302
    page = client.get(f"/cases/{case.code}/").content.decode()
    assert "The case is now “screening”." in page
    assert "received → screening" in page
    assert StageChange.objects.get(case=case).by == org.coordinator


def test_a_move_refused_shows_why_and_keeps_what_was_typed(org: Organisation, vault: Vault) -> None:
    case = _workflow_case(org)
    client = Client()
    sign_in(client, org.coordinator)
    response = client.post(
        f"/cases/{case.code}/move/",
        _form("other", version=case.version, to="withdrawn", reason=""),
    )
    assert response.status_code == 400
    assert "Say why: this move needs a reason." in response.content.decode()
    response = client.post(
        f"/cases/{case.code}/move/",
        _form("move", version=case.version, to="verified", reason="Looks fine to me."),
    )
    page = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert "A case cannot move from “received” to “verified”." in page
    assert "Looks fine to me.</textarea>" in page
    case.refresh_from_db()
    assert (case.stage, case.version) == ("received", 1)


def test_two_people_editing_the_case_do_not_overwrite_each_other(
    org: Organisation, vault: Vault
) -> None:
    from safepassage.audit.models import AuditEntry
    from safepassage.cases.models import Risk

    case = _workflow_case(org)
    shown = case.version
    first, second = Client(), Client()
    sign_in(first, org.coordinator)
    sign_in(second, org.caseworker)
    form = {
        "version": shown,
        "assignee": str(org.caseworker.pk),
        "risk": str(Risk.HIGH),
        "risk_factors": ["outed", "family_threat"],
        "flags": ["urgent"],
    }
    assert first.post(f"/cases/{case.code}/edit/", _form("case", **form)).status_code == 302
    response = second.post(
        f"/cases/{case.code}/edit/", _form("case", **{**form, "risk": str(Risk.LOW), "flags": []})
    )
    assert response.status_code == 400
    assert "Someone else changed this case after you opened it" in html.unescape(
        response.content.decode()
    )
    # The form comes back as typed, ready to be sent against the case as it is now.
    page = response.content.decode()
    assert f'name="case-version" value="{shown + 1}"' in page
    assert '<option value="1" selected>low</option>' in page
    case.refresh_from_db()
    assert (case.risk, case.flag_codes, case.version) == (Risk.HIGH, ["urgent"], shown + 1)
    assert case.risk_factor_codes == ["family_threat", "outed"]
    assert case.assignee == org.caseworker
    entry = AuditEntry.objects.get(action="case.updated")
    assert entry.details == {
        "fields": ["risk", "risk_factors", "flags", "assignee"],
        "risk": "high",
        "to": f"user:{org.caseworker.pk}",
    }


def test_bad_input_on_the_case_form_is_named(org: Organisation, vault: Vault) -> None:
    case = _workflow_case(org)
    client = Client()
    sign_in(client, org.caseworker)
    response = client.post(
        f"/cases/{case.code}/edit/",
        _form("case", version=case.version, risk="9", risk_factors=["haunted"], assignee="77"),
    )
    assert response.status_code == 400
    assert response.content.decode().count('class="field-error"') >= 3
    assert Case.objects.get(pk=case.pk).version == case.version


def test_only_a_coordinator_gives_a_case_to_a_team(org: Organisation, vault: Vault) -> None:
    case = _workflow_case(org)
    caseworker = Client()
    sign_in(caseworker, org.caseworker)
    assert (
        'action="/cases/' + case.code + '/team/"'
        not in caseworker.get(f"/cases/{case.code}/").content.decode()
    )
    response = caseworker.post(
        f"/cases/{case.code}/team/",
        _form("team", version=case.version, team=str(org.other_team.pk)),
    )
    assert response.status_code == 400
    assert Case.objects.get(pk=case.pk).team == org.team
    coordinator = Client()
    sign_in(coordinator, org.coordinator)
    response = coordinator.post(
        f"/cases/{case.code}/team/",
        _form("team", version=case.version, team=str(org.other_team.pk)),
    )
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).team == org.other_team
    assert caseworker.get(f"/cases/{case.code}/").status_code == 404


def test_the_workflow_reads_in_russian(org: Organisation, vault: Vault) -> None:
    case = _workflow_case(org)
    client = Client()
    sign_in(client, org.coordinator)
    client.post("/i18n/language/", {"language": "ru", "next": "/"})
    page = html.unescape(client.get(f"/cases/{case.code}/").content.decode())
    page = re.sub(r"<[^>]+>", " ", page)  # what a reader sees
    assert "Что нужно дальше" in page
    for english in (
        "What is needed next",
        "Verification",
        "Record a check",
        "Risk level",
        "History of its stages",
        "Move to",
        "interview",
    ):
        assert english not in page, english


def test_the_assignee_choices_are_those_who_may_work_on_the_case(
    org: Organisation, vault: Vault
) -> None:
    from safepassage.accounts.models import User
    from safepassage.cases import actions
    from tests.cases.helpers import verifier

    verifier(org, vault)
    everyone = list(User.objects.order_by("username"))
    case = _workflow_case(org)
    loose = Case(team=None, opened_by=org.outsider, narrative="x")
    loose.save()
    for each in (case, loose):
        expected = [user for user in everyone if actions.may_be_assigned(user, each)]
        assert actions.assignable(each) == expected
    assert [u.username for u in actions.assignable(case)] == ["case", "coord", "verifier"]
    assert [u.username for u in actions.assignable(loose)] == ["coord", "outsider"]


def test_it_links_the_request_only_for_those_who_work_the_inbox(
    org: Organisation, vault: Vault
) -> None:
    """A caseworker reads a request's code but gets no link that ends in
    "Page not found": the inbox is for those who triage, with its keys."""
    _case_page(org)
    case = Case.objects.get()
    request = Submission.objects.get().code
    Case.objects.filter(pk=case.pk).update(team=org.team, stage="accepted")
    link = f'href="/intake/{request}/"'
    assert link in _page(org.coordinator, case)
    page = _page(org.caseworker, case)
    assert request in page
    assert link not in page


def test_it_says_in_russian_that_nobody_is_assigned(org: Organisation, vault: Vault) -> None:
    """ "Assigned to: nobody" reads "Ответственный: не назначен", not "никому"."""
    case = _workflow_case(org)
    client = Client()
    sign_in(client, org.coordinator)
    client.post("/i18n/language/", {"language": "ru", "next": "/"})
    facts = _facts(html.unescape(client.get(f"/cases/{case.code}/").content.decode()))
    assert facts["Ответственный"] == "не назначен"
    listed = html.unescape(client.get("/cases/").content.decode())
    assert 'data-label="Ответственный">не назначен<' in listed
