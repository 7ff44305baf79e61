"""The page where the team records who a person of a case is, and the
button that adds someone travelling with the principal (the actions are
cases.household's). Both are for those who may record it
(household.may_describe); for anyone else, the same 404 as for a person
who does not exist."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from safepassage.accounts.access import deny
from safepassage.accounts.models import User
from safepassage.audit.chain import record
from safepassage.cases import household, testimony_views
from safepassage.cases.access import get_case_for, get_person_for
from safepassage.cases.consent import person_label
from safepassage.cases.errors import Refused
from safepassage.cases.models import Person, Role
from safepassage.cases.opening import Contact, Identity, Location
from safepassage.cases.presenting import label

# The ways to reach someone a form offers (the request form's words).
METHODS = ("signal", "telegram", "email", "phone")
CONTACT_SLOTS = 3
MINOR = {"": None, "yes": True, "no": False}


class PersonForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200, required=False)
    other_names = forms.CharField(
        label=gettext_lazy("Other names"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=1000,
        help_text=gettext_lazy(
            "One a line: a nickname, the name in another script, a former name."
        ),
    )
    relationship = forms.CharField(
        label=gettext_lazy("Relationship to the principal"), max_length=100, required=False
    )
    born = forms.CharField(
        label=gettext_lazy("Born"),
        max_length=40,
        required=False,
        help_text=gettext_lazy("A date, a year, or as they said it."),
    )
    age = forms.IntegerField(
        label=gettext_lazy("Age in years"), min_value=0, max_value=120, required=False
    )
    minor = forms.ChoiceField(
        label=gettext_lazy("A minor"),
        choices=[
            ("", gettext_lazy("not known")),
            ("yes", gettext_lazy("yes")),
            ("no", gettext_lazy("no")),
        ],
        required=False,
    )
    gender = forms.CharField(
        label=gettext_lazy("Gender, in their words"), max_length=100, required=False
    )
    place = forms.CharField(
        label=gettext_lazy("Where they are now (a town or a region)"),
        max_length=200,
        required=False,
    )
    notes = forms.CharField(
        label=gettext_lazy("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, person: Person, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person
        if person.role == Role.PRINCIPAL:
            del self.fields["relationship"]
        known = [contact.method for contact in person.identity.contacts]
        methods = [*METHODS, *(m for m in known if m and m not in METHODS)]
        choices = [("", "—"), *((m, label("contact_method", m)) for m in methods)]
        for number in range(1, CONTACT_SLOTS + 1):
            self.fields[f"method_{number}"] = forms.ChoiceField(
                label=_("Way to reach them (%(number)s)") % {"number": number},
                choices=choices,
                required=False,
            )
            self.fields[f"handle_{number}"] = forms.CharField(
                label=_("Number, username or address (%(number)s)") % {"number": number},
                max_length=200,
                required=False,
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for number in range(1, CONTACT_SLOTS + 1):
            method = data.get(f"method_{number}") or ""
            handle = (data.get(f"handle_{number}") or "").strip()
            if handle and not method:
                self.add_error(f"method_{number}", _("Say which way this is (Signal, phone…)."))
            if method and not handle:
                self.add_error(f"handle_{number}", _("Give the number, username or address."))
        return data

    def identity(self) -> Identity:
        """The person's record as the form says it (what it does not show,
        such as the region they named, stays as it was)."""
        data, before = self.cleaned_data, self.person.identity
        shown = [
            Contact(data[f"method_{n}"], data[f"handle_{n}"].strip())
            for n in range(1, CONTACT_SLOTS + 1)
            if data.get(f"handle_{n}", "").strip()
        ]
        return Identity(
            name=data["name"].strip(),
            other_names=[line.strip() for line in data["other_names"].splitlines() if line.strip()],
            born=data["born"].strip(),
            age=data["age"],
            contacts=[*shown, *before.contacts[CONTACT_SLOTS:]],
            no_contact=before.no_contact and not shown,
            location=Location(before.location.area, data["place"].strip()),
            gender=data["gender"].strip(),
            relationship=data.get("relationship", before.relationship).strip(),
            notes=data["notes"].strip(),
        )


def initial(person: Person) -> dict[str, Any]:
    identity = person.identity
    values: dict[str, Any] = {
        "name": identity.name,
        "other_names": "\n".join(identity.other_names),
        "relationship": identity.relationship,
        "born": identity.born,
        "age": identity.age,
        "minor": "yes" if person.minor is True else "no" if person.minor is False else "",
        "gender": identity.gender,
        "place": identity.location.place,
        "notes": identity.notes,
        "version": person.version,
    }
    for number, contact in enumerate(identity.contacts[:CONTACT_SLOTS], start=1):
        values[f"method_{number}"] = contact.method
        values[f"handle_{number}"] = contact.handle
    return values


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _describable(user: User, code: str, person_id: str) -> Person:
    person = get_person_for(user, code, person_id)
    if not household.may_describe(user, person.case):
        raise deny(user, "person", person.case)
    return person


def _case_page(person: Person) -> str:
    return reverse("cases:case", args=[person.case.code]) + "#identity"


@require_http_methods(["GET", "POST"])
def person_view(request: HttpRequest, code: str, person_id: str) -> HttpResponse:
    user = _user(request)
    person = _describable(user, code, person_id)
    status = 200
    if request.method == "POST":
        form = PersonForm(request.POST, person=person)
        if form.is_valid():
            try:
                changed = household.describe_person(
                    person,
                    form.identity(),
                    minor=MINOR[form.cleaned_data["minor"]],
                    by=user,
                    version=form.cleaned_data["version"],
                )
            except Refused as refused:
                for problem in refused.problems:
                    form.add_error(None, problem)
            else:
                messages.success(request, _("Saved.") if changed else _("Nothing was changed."))
                return redirect(_case_page(person))
        person.refresh_from_db()
        data = request.POST.copy()
        data["version"] = str(person.version)
        form.data = data
        status = 400
    else:
        form = PersonForm(initial=initial(person), person=person)
        record(user, "case.person_viewed", person.case, person=str(person.pk))
    context = {
        "case": person.case,
        "person": person,
        "who": person_label(person),
        "form": form,
        **testimony_views.section(user, person),
    }
    return render(request, "cases/person.html", context, status=status)


@require_POST
def member_new_view(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    case = get_case_for(user, code)
    if not household.may_describe(user, case):
        raise deny(user, "person", case)
    try:
        member = household.add_member(case, by=user)
    except Refused as refused:
        for problem in refused.problems:
            messages.error(request, problem)
        return redirect(reverse("cases:case", args=[case.code]) + "#identity")
    return redirect("cases:person", code=case.code, person_id=member.pk)
