"""Hosts (countries and partner organisations that take people in) and
their pathways (visas and programmes): reference data that coordinators
and administrators keep, on pages under /cases/hosts/. A host or a
pathway is retired rather than deleted, so applications keep naming it;
every change is audited; two people changing the same row do not
overwrite each other (the version its form was read at)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import messages
from django.db import models, transaction
from django.db.models import Count, F, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from safepassage.accounts.access import require
from safepassage.accounts.models import User
from safepassage.accounts.roles import Perm
from safepassage.audit.chain import record
from safepassage.cases.access import get_host_for, get_pathway_for
from safepassage.cases.models import Host, HostKind, Pathway
from safepassage.cases.travel_actions import Conflict

# --- Actions ---------------------------------------------------------------------------


def _take_version(row: models.Model, version: int) -> None:
    if (
        type(row)
        ._default_manager.filter(pk=row.pk, version=version)
        .update(version=F("version") + 1)
        != 1
    ):
        raise Conflict
    row.version = version + 1  # type: ignore[attr-defined]


@transaction.atomic
def add_host(*, by: User | str, **values: Any) -> Host:
    host = Host.objects.create(**values)
    record(by, "host.added", host, country=host.country or None)
    return host


@transaction.atomic
def change_host(host: Host, *, version: int, by: User | str, **values: Any) -> list[str]:
    changed = sorted(name for name, value in values.items() if getattr(host, name) != value)
    _take_version(host, version)
    for name in changed:
        setattr(host, name, values[name])
    host.save(update_fields=[*changed, "version"])
    record(by, "host.changed", host, changed=changed, active=host.active)
    return changed


@transaction.atomic
def retire_host(host: Host, *, by: User | str) -> None:
    """The host and its pathways are no longer offered for new applications."""
    Host.objects.filter(pk=host.pk).update(active=False, version=F("version") + 1)
    retired = Pathway.objects.filter(host=host, active=True).update(
        active=False, version=F("version") + 1
    )
    record(by, "host.retired", host, pathways=retired)


@transaction.atomic
def add_pathway(host: Host, *, by: User | str, **values: Any) -> Pathway:
    pathway = Pathway.objects.create(host=host, **values)
    record(by, "host.pathway_added", pathway, host=host.pk)
    return pathway


@transaction.atomic
def change_pathway(pathway: Pathway, *, version: int, by: User | str, **values: Any) -> list[str]:
    changed = sorted(name for name, value in values.items() if getattr(pathway, name) != value)
    _take_version(pathway, version)
    for name in changed:
        setattr(pathway, name, values[name])
    pathway.save(update_fields=[*changed, "version"])
    record(by, "host.pathway_changed", pathway, changed=changed, active=pathway.active)
    return changed


@transaction.atomic
def retire_pathway(pathway: Pathway, *, by: User | str) -> None:
    Pathway.objects.filter(pk=pathway.pk).update(active=False, version=F("version") + 1)
    record(by, "host.pathway_retired", pathway)


# --- Forms -----------------------------------------------------------------------------

_COUNTRY_CODE = re.compile(r"^[A-Z]{2}$")
NAMES = {
    "name_en": gettext_lazy("Name in English"),
    "name_ru": gettext_lazy("Name in Russian"),
    "name_fr": gettext_lazy("Name in French"),
}


class HostForm(forms.ModelForm):
    # Longer than the code, so that a country's name is refused in words.
    country = forms.CharField(
        label=gettext_lazy("Country code"),
        required=False,
        max_length=60,
        help_text=gettext_lazy(
            "The two letters of ISO 3166 (DE, FR, CA); for a partner, where it works."
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Host
        fields = ["kind", "country", "name_en", "name_ru", "name_fr", "active"]
        labels = {
            "kind": gettext_lazy("A country or a partner organisation"),
            "active": gettext_lazy("Offered for new applications"),
            **NAMES,
        }

    def clean_country(self) -> str:
        code = str(self.cleaned_data.get("country") or "").strip().upper()
        if code and not _COUNTRY_CODE.match(code):
            raise forms.ValidationError(_("Give the two letters of the country, such as DE or FR."))
        return code

    def validate_unique(self) -> None:
        """clean() says it in the reader's words, on the field."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("kind") == HostKind.COUNTRY:
            code = cleaned.get("country")
            if not code and "country" not in self.errors:
                self.add_error("country", _("A country needs its code."))
            taken = Host.objects.filter(kind=HostKind.COUNTRY, country=code)
            if code and taken.exclude(pk=self.instance.pk).exists():
                self.add_error("country", _("This country is already a host."))
        return cleaned


class PathwayForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Pathway
        fields = ["kind", "name_en", "name_ru", "name_fr", "rules", "active"]
        labels = {
            "kind": gettext_lazy("Kind of pathway"),
            "rules": gettext_lazy("Its rules"),
            "active": gettext_lazy("Offered for new applications"),
            **NAMES,
        }
        help_texts = {
            "rules": gettext_lazy(
                "Who qualifies, what to bring, how long it takes: no names or cases here."
            ),
        }
        widgets = {"rules": forms.Textarea(attrs={"rows": 5})}


# --- Pages -----------------------------------------------------------------------------


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


CONFLICT = gettext_lazy(
    "Someone else saved this while you were editing it, so your changes were not saved. "
    "Open it again to see theirs, then make your changes again."
)


def hosts_view(request: HttpRequest) -> HttpResponse:
    require(_user(request), Perm.MANAGE_HOSTS)
    pathways = Pathway.objects.annotate(used=Count("applications"))
    hosts = Host.objects.prefetch_related(Prefetch("pathways", queryset=pathways))
    return render(request, "cases/hosts.html", {"hosts": hosts})


def _values(form: forms.ModelForm) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in form._meta.fields or []}


def _edit(
    request: HttpRequest, form: forms.ModelForm, save: Any, title: str, *, row: Any = None
) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        try:
            save(_values(form))
        except Conflict:
            form.add_error(None, CONFLICT)
        else:
            messages.success(request, _("Saved."))
            return redirect("cases:hosts")
    status = 409 if form.errors.get("__all__") else 400 if form.errors else 200
    context = {"form": form, "title": title, "row": row}
    return render(request, "cases/host_edit.html", context, status=status)


@require_http_methods(["GET", "POST"])
def host_new_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    require(user, Perm.MANAGE_HOSTS)
    form = HostForm(request.POST or None)
    return _edit(request, form, lambda values: add_host(by=user, **values), _("Add a host"))


@require_http_methods(["GET", "POST"])
def host_edit_view(request: HttpRequest, host_id: int) -> HttpResponse:
    user = _user(request)
    host = get_host_for(user, host_id)
    # The form writes on a copy: the action compares with what is stored.
    form = HostForm(
        request.POST or None,
        instance=Host.objects.get(pk=host.pk),
        initial={"version": host.version},
    )

    def save(values: dict[str, Any]) -> None:
        change_host(host, version=form.cleaned_data["version"] or 0, by=user, **values)

    return _edit(request, form, save, _("Change a host"), row=host)


@require_POST
def host_retire_view(request: HttpRequest, host_id: int) -> HttpResponse:
    user = _user(request)
    host = get_host_for(user, host_id)
    retire_host(host, by=user)
    messages.success(request, _("The host and its pathways are no longer offered."))
    return redirect("cases:hosts")


@require_http_methods(["GET", "POST"])
def pathway_new_view(request: HttpRequest, host_id: int) -> HttpResponse:
    user = _user(request)
    host = get_host_for(user, host_id)
    form = PathwayForm(request.POST or None)

    def save(values: dict[str, Any]) -> None:
        add_pathway(host, by=user, **values)

    return _edit(request, form, save, _("Add a pathway"), row=host)


@require_http_methods(["GET", "POST"])
def pathway_edit_view(request: HttpRequest, pathway_id: int) -> HttpResponse:
    user = _user(request)
    pathway = get_pathway_for(user, pathway_id)
    form = PathwayForm(
        request.POST or None,
        instance=Pathway.objects.get(pk=pathway.pk),
        initial={"version": pathway.version},
    )

    def save(values: dict[str, Any]) -> None:
        change_pathway(pathway, version=form.cleaned_data["version"] or 0, by=user, **values)

    return _edit(request, form, save, _("Change a pathway"), row=pathway.host)


@require_POST
def pathway_retire_view(request: HttpRequest, pathway_id: int) -> HttpResponse:
    user = _user(request)
    pathway = get_pathway_for(user, pathway_id)
    retire_pathway(pathway, by=user)
    messages.success(request, _("The pathway is no longer offered."))
    return redirect("cases:hosts")
