"""Recording what a documented person agreed to, from their page
(documentation.consent). Those who record the documentation do it; the
person's page shows the current record and its history to every reader."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from safepassage.accounts.models import User
from safepassage.audit.chain import record
from safepassage.documentation.access import WRITE, get_person_for
from safepassage.documentation.actions import Refused
from safepassage.documentation.consent import consent_state, current_consent, record_consent
from safepassage.documentation.edit_forms import ConsentForm
from safepassage.documentation.models import Person, PersonConsent
from safepassage.documentation.views.shared import open_all, user_of


def consent_form(user: User, person: Person) -> ConsentForm | None:
    """The form on the person's page, for those who record; it starts
    from what is recorded now."""
    if not user.can(WRITE):
        return None
    current = current_consent(person)
    initial: dict[str, Any] = {"seen": consent_state(person), "given_on": timezone.localdate()}
    if current is not None:
        initial.update(testimony=current.testimony, originals=current.originals)
    return ConsentForm(initial=initial)


def consent_history(person: Person) -> list[PersonConsent]:
    """Every record of the person's consent, the current one first, notes opened."""
    found = list(
        PersonConsent.objects.filter(person=person)
        .select_related("recorded_by")
        .order_by("-recorded_at")
    )
    open_all(found, "note")
    return found


@require_http_methods(["GET", "POST"])
def person_consent_view(request: HttpRequest, code: str) -> HttpResponse:
    user = user_of(request)
    person = get_person_for(user, code, WRITE)
    form = ConsentForm(request.POST or None) if request.method == "POST" else None
    if form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            record_consent(
                person,
                by=user,
                testimony=data["testimony"],
                originals=data["originals"],
                given_on=data["given_on"],
                note=data["note"],
                seen=data["seen"],
            )
        except Refused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _("The consent was recorded."))
            return redirect(reverse("documentation:person", args=[person.code]) + "#consent")
    if form is None:
        form = consent_form(user, person)
    open_all([person], "name")
    record(user, "documentation.person_viewed", person)
    return render(
        request,
        "documentation/person_consent.html",
        {"person": person, "form": form, "history": consent_history(person)},
        status=400 if form is not None and form.errors else 200,
    )
