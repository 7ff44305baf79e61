"""The words of the request form as staff read them, in their language:
contact methods, regions, situations, urgency, the form's own questions
(payload.QUESTION_*) and added questions. The case page asks for them
through cases.presenting (registered in apps.py), since cases never
imports intake."""

from __future__ import annotations

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from safepassage.cases.presenting import language_name
from safepassage.intake.forms import CONTACT_METHODS, SITUATIONS
from safepassage.intake.models import Question, Urgency
from safepassage.intake.payload import QUESTION_LANGUAGE, QUESTION_SITUATION
from safepassage.intake.regions import area_label

# The form's own questions, as the case page lists them.
FORM_QUESTIONS = {
    QUESTION_LANGUAGE: gettext_lazy("Language of the request"),
    QUESTION_SITUATION: gettext_lazy("Situation"),
}


def label(vocabulary: str, key: str) -> str | None:
    """The label of ``key`` in ``vocabulary``, or None if it is not ours."""
    if vocabulary == "contact_method":
        found = dict(CONTACT_METHODS).get(key)
        return str(found) if found is not None and key != "none" else None
    if vocabulary == "area":
        return area_label(key, get_language())
    if vocabulary == "situation":
        return next((str(text) for k, text, _level in SITUATIONS if k == key), None)
    if vocabulary == "urgency":
        try:
            return str(Urgency(int(key)).label)
        except ValueError:
            return None
    if vocabulary == "question" and key in FORM_QUESTIONS:
        return str(FORM_QUESTIONS[key])
    if vocabulary == "question":
        question = Question.objects.filter(key=key).first()
        return question.label(get_language()) if question is not None else None
    if vocabulary == "answer":  # "question_key=stored value"
        return answer_label(*key.split("=", 1)) if "=" in key else None
    return None


def answer_label(question_key: str, value: str) -> str | None:
    """An answer in the reader's language: the request's language by name,
    a situation, an added question's yes or no, or its option (stored in
    English) in their language."""
    if question_key == QUESTION_LANGUAGE:
        return language_name(value)
    if question_key == QUESTION_SITUATION:
        return label("situation", value)
    question = Question.objects.filter(key=question_key).first()
    if question is None:
        return None
    if question.kind == Question.Kind.YESNO:
        return {"yes": _("yes"), "no": _("no")}.get(value)
    if question.kind == Question.Kind.CHOICE:
        english = dict(question.option_pairs("en"))
        number = next((n for n, text in english.items() if text == value), None)
        return dict(question.option_pairs(get_language())).get(number) if number else None
    return None
