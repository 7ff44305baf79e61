"""The regions the public form offers for "Where are you now?": a list and
an edit page for administrators (those who manage the form). Every change
is in the audit log."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from safepassage.accounts.access import deny, require
from safepassage.accounts.models import User
from safepassage.accounts.roles import Perm
from safepassage.audit.chain import record
from safepassage.intake.forms import RegionForm
from safepassage.intake.models import Region


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def regions_view(request: HttpRequest) -> HttpResponse:
    require(_user(request), Perm.MANAGE_FORM)
    return render(request, "intake/regions.html", {"regions": Region.objects.all()})


@require_http_methods(["GET", "POST"])
def region_edit_view(request: HttpRequest, region_id: int | None = None) -> HttpResponse:
    user = _user(request)
    require(user, Perm.MANAGE_FORM)
    region = Region.objects.filter(pk=region_id).first() if region_id else None
    if region_id and region is None:
        raise deny(user, "region", f"region:{region_id}")
    form = RegionForm(request.POST or None, instance=region)
    if region is not None:
        # Requests keep the key: changing it would orphan them.
        form.fields["key"].disabled = True
    if request.method == "POST" and form.is_valid():
        changed = sorted(form.changed_data)
        with transaction.atomic():  # saved and audited, or neither
            saved = form.save()
            record(
                user,
                "intake.region_added" if region is None else "intake.region_changed",
                saved,
                key=saved.key,
                changed=changed,
                active=saved.active,
            )
        messages.success(request, _("The region was saved."))
        return redirect("intake:regions")
    return render(
        request,
        "intake/region_edit.html",
        {"form": form, "region": region},
        status=400 if form.errors else 200,
    )
