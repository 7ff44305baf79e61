"""The vault page: who holds which compartment, grants and revocations,
and the "seal now" button."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.sessions.models import Session
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from safepassage.accounts import actions
from safepassage.accounts.access import deny, get_staff_for, require
from safepassage.accounts.models import User
from safepassage.accounts.roles import Perm
from safepassage.accounts.sessions import requires_recent_login
from safepassage.vault import keys
from safepassage.vault.errors import NotInCompartment, NotInitialised
from safepassage.vault.keyring import current_keyring_or_none
from safepassage.vault.models import Compartment, CompartmentKey, KeyGrant, RotationJob, UserKey
from safepassage.vault.seal import seal_vault, sealed_since
from safepassage.vault.stopping import running_work


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _compartment(user: User, name: str) -> str:
    if name not in Compartment.values:
        raise deny(user, "compartment", f"compartment:{name[:40]}")
    return name


class GrantForm(forms.Form):
    user = forms.ModelChoiceField(label=gettext_lazy("Staff member"), queryset=User.objects.none())

    def __init__(self, *args: object, candidates: list[User], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["user"]
        field.queryset = User.objects.filter(pk__in=[u.pk for u in candidates])  # type: ignore[attr-defined]
        field.label_from_instance = lambda user: user.username  # type: ignore[attr-defined]


def _overview(request: HttpRequest) -> list[dict[str, Any]]:
    user = _user(request)
    keyring = current_keyring_or_none()
    holders: dict[str, list[User]] = {name: [] for name in Compartment.values}
    grants = KeyGrant.objects.filter(key__current=True).select_related("user", "key")
    for grant in grants.order_by("user__username"):
        holders[grant.key.compartment].append(grant.user)
    with_keys = list(
        User.objects.filter(is_active=True, pk__in=UserKey.objects.values("user_id")).order_by(
            "username"
        )
    )
    current = {key.compartment: key for key in CompartmentKey.objects.filter(current=True)}
    rotating = set(
        RotationJob.objects.filter(finished__isnull=True).values_list("compartment", flat=True)
    )
    rows = []
    for name, label in Compartment.choices:
        members = holders[name]
        held = (
            keyring is not None and name in current and keyring.holds(name, current[name].version)
        )
        can_manage = held and user.can(Perm.MANAGE_COMPARTMENTS)
        candidates = [u for u in with_keys if u not in members]
        rows.append(
            {
                "name": name,
                "label": label,
                "version": current[name].version if name in current else None,
                "members": members if (held or user.can(Perm.VIEW_STAFF)) else None,
                "count": len(members),
                "held": held,
                "can_manage": can_manage,
                "form": GrantForm(candidates=candidates, prefix=name) if can_manage else None,
                "rotating": name in rotating,
            }
        )
    return rows


def vault_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    context = {
        "initialised": keys.is_initialised(),
        "compartments": _overview(request),
        "sealed_at": sealed_since(),
        "can_seal": user.can(Perm.SEAL_VAULT),
    }
    return render(request, "vault/overview.html", context)


@require_POST
@requires_recent_login
def grant_view(request: HttpRequest, compartment: str) -> HttpResponse:
    user = _user(request)
    require(user, Perm.MANAGE_COMPARTMENTS)
    compartment = _compartment(user, compartment)
    form = GrantForm(
        request.POST,
        prefix=compartment,
        candidates=list(User.objects.filter(is_active=True, vault_key__isnull=False)),
    )
    keyring = current_keyring_or_none()
    if keyring is None or not form.is_valid():
        messages.error(request, _("Choose a staff member who has logged in at least once."))
        return redirect("vault:overview")
    target = form.cleaned_data["user"]
    try:
        keys.grant(keyring, compartment, target.pk, by=user)
    except (NotInCompartment, NotInitialised):
        raise deny(user, "compartment", f"compartment:{compartment}") from None
    messages.success(
        request,
        _("%(name)s now holds this compartment (from their next login).")
        % {"name": target.username},
    )
    return redirect("vault:overview")


@require_POST
@requires_recent_login
def revoke_view(request: HttpRequest, compartment: str, user_id: int) -> HttpResponse:
    user = _user(request)
    require(user, Perm.MANAGE_COMPARTMENTS)
    compartment = _compartment(user, compartment)
    keyring = current_keyring_or_none()
    if keyring is None or not keyring.holds(compartment):
        raise deny(user, "compartment", f"compartment:{compartment}")
    target = get_staff_for(user, user_id)
    keys.revoke(compartment, target.pk, by=user)
    # Keys already unwrapped in their sessions go with the sessions.
    actions.log_out_everywhere(target, by=user)
    messages.success(
        request,
        _(
            "%(name)s no longer holds this compartment and was logged out. If they may have "
            "kept a copy of its keys, rotate them: safepassage keys rotate %(compartment)s."
        )
        % {"name": target.username, "compartment": compartment},
    )
    if target.pk == user.pk:
        return HttpResponseRedirect(reverse("accounts:login"))
    return redirect("vault:overview")


@require_http_methods(["GET", "POST"])
def seal_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    require(user, Perm.SEAL_VAULT)
    if request.method == "POST":
        seal_vault(by=user, reason="button")
        return redirect("vault:sealed")
    # Before anyone confirms: what sealing ends and what it stops.
    sessions = Session.objects.filter(expire_date__gt=timezone.now()).count()
    return render(request, "vault/seal.html", {"running": running_work(), "sessions": sessions})


@login_not_required
def sealed_view(request: HttpRequest) -> HttpResponse:
    return render(request, "vault/sealed.html")
