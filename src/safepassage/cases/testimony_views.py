"""The hand-over of a person's testimony to the documentation, from the
person's page (cases.testimony): the part of that page that says whether
it went and as which code, and the action."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from safepassage.accounts.access import require
from safepassage.accounts.models import User
from safepassage.accounts.roles import Perm
from safepassage.cases.access import get_person_for
from safepassage.cases.consent import (
    ConsentError,
    ConsentMissing,
    current_consents,
    person_label,
    refused,
    target_of,
    tell_documentation,
)
from safepassage.cases.models import ConsentKind, HandedOverTestimony, Person
from safepassage.cases.testimony import hand_over_testimony, handover_of, may_hand_over
from safepassage.vault.errors import NotInCompartment, VaultSealed

WITHDRAWAL_TOLD = gettext_lazy(
    "The documentation was told: their victim there has no consent to testimony or originals "
    "any more."
)
WITHDRAWAL_UNTOLD = gettext_lazy(
    "The documentation has not been told of the withdrawal: it needs someone who holds the "
    "casework keys, from this person's page."
)
GIVEN_AGAIN_TOLD = gettext_lazy(
    "The documentation was told: their victim there may be documented from their testimony "
    "again (with working copies of evidence about them only)."
)
GIVEN_AGAIN_UNTOLD = gettext_lazy(
    "The documentation has not been told that they gave their consent again: it needs someone "
    "who holds the casework keys, from this person's page."
)

TESTIMONY = ConsentKind.TESTIMONY


class HandOverForm(forms.Form):
    originals = forms.BooleanField(
        label=gettext_lazy(
            "They agreed that the originals of evidence about them (photos, recordings as "
            "collected) may be handed over in a dossier"
        ),
        required=False,
        help_text=gettext_lazy("Otherwise only working copies (blurred, details removed) leave."),
    )
    override_reason = forms.CharField(
        label=gettext_lazy("Reason to hand over without their consent"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy(
            "Only if their consent to testimony for documentation is missing and there is a "
            "grave reason. Leave empty otherwise: the hand-over is then refused. The reason "
            "is kept, and the override is in the audit log; the originals never leave."
        ),
    )

    def __init__(self, *args: Any, may_override: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "testimony")
        super().__init__(*args, **kwargs)
        if not may_override:
            del self.fields["override_reason"]


def section(user: User, person: Person) -> dict[str, Any]:
    """What the person's page shows of the hand-over."""
    handover = handover_of(person)
    code = None
    if handover is not None:
        try:
            code = handover.documentation_code
        except (NotInCompartment, VaultSealed):
            code = None
    consent = current_consents(person.case, TESTIMONY, target_of(TESTIMONY)).get(person.pk)
    consented = consent is not None and consent.withdrawn_on is None
    form = None
    if handover is None and may_hand_over(user):
        form = HandOverForm(may_override=user.can(Perm.OVERRIDE_CONSENT))
    return {
        "handover": handover,
        "handover_code": code,
        "testimony_consent": consent if consented else None,
        "handover_form": form,
        # The withdrawal can be told by whoever records consent and holds
        # the code's keys (the code read above).
        "may_tell": handover is not None
        and handover.untold
        and code is not None
        and user.can(Perm.RECORD_CONSENT),
    }


@require_POST
def hand_over_view(request: HttpRequest, code: str, person_id: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    person = get_person_for(user, code, person_id)
    require(user, Perm.SHARE_CASES)
    back = reverse("cases:person", args=[person.case.code, person.pk]) + "#testimony"
    form = HandOverForm(request.POST, may_override=user.can(Perm.OVERRIDE_CONSENT))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(back)
    try:
        handover = hand_over_testimony(
            person,
            by=user,
            originals=form.cleaned_data["originals"],
            override_reason=form.cleaned_data.get("override_reason", ""),
        )
    except ConsentError as error:
        refused(user, person.case, error, action="testimony")
        if isinstance(error, ConsentMissing):
            for sentence in error.sentences(lambda p: person_label(p).capitalize()):
                messages.error(request, sentence)
            messages.error(
                request,
                _(
                    "Record their consent to testimony for documentation first; nothing was "
                    "handed over."
                ),
            )
        else:
            messages.error(request, error.message)
        return redirect(back)
    messages.success(
        request,
        _("The testimony was handed over: in the documentation this person is %(code)s.")
        % {"code": handover.documentation_code},
    )
    return redirect(back)


def told_messages(handover: HandedOverTestimony) -> tuple[str, str]:
    """What to say when the documentation was told of the latest change
    of consent, and when it was not."""
    if handover.given_again_on is not None:
        return str(GIVEN_AGAIN_TOLD), str(GIVEN_AGAIN_UNTOLD)
    return str(WITHDRAWAL_TOLD), str(WITHDRAWAL_UNTOLD)


@require_POST
def tell_documentation_view(request: HttpRequest, code: str, person_id: str) -> HttpResponse:
    """Tell the documentation of a withdrawal, or a consent given again,
    it was not told of (the one who recorded it did not hold the casework
    keys)."""
    user: User = request.user  # type: ignore[assignment]
    person = get_person_for(user, code, person_id)
    require(user, Perm.RECORD_CONSENT)
    back = reverse("cases:person", args=[person.case.code, person.pk]) + "#testimony"
    handover = handover_of(person)
    if handover is None or not handover.untold:
        messages.info(request, _("There is no change of consent to tell the documentation of."))
        return redirect(back)
    told, untold = told_messages(handover)
    if tell_documentation(handover, by=user):
        messages.success(request, told)
    else:
        messages.error(request, untold)
    return redirect(back)
