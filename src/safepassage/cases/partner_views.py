"""Partner organisations (/cases/partners/: administrators keep the list,
those who share cases read it) and bundles received (/cases/import/:
opening a bundle a partner sent, for those who import them)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from safepassage.accounts.access import deny, require
from safepassage.accounts.models import User
from safepassage.accounts.roles import Perm
from safepassage.cases import partners, referrals
from safepassage.cases.access import get_partner_for, visible_partners
from safepassage.cases.consent import ConsentChanged, ConsentError
from safepassage.cases.consent_forms import ImportForm, PartnerForm
from safepassage.cases.models import PartnerOrganisation
from safepassage.vault import bundles, exchange, files
from safepassage.vault.errors import NotInCompartment, Tampered, UploadRefused, VaultSealed


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _own_key() -> tuple[str, str] | None:
    """Our partner key as text and its fingerprint, to give partners."""
    try:
        key = exchange.own_key()
    except Tampered:
        return None
    if key is None:
        return None
    return bundles.partner_key_text(key), bundles.fingerprint(key)


def partners_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not (user.can(Perm.MANAGE_PARTNERS) or user.can(Perm.SHARE_CASES)):
        raise deny(user, Perm.MANAGE_PARTNERS.value)
    rows = []
    for partner in visible_partners(user).select_related("verified_by"):
        try:
            rows.append((partner, partners.fingerprint(partner)))
        except ConsentError:
            rows.append((partner, ""))
    return render(
        request,
        "cases/partners.html",
        {"rows": rows, "may_manage": user.can(Perm.MANAGE_PARTNERS), "own": _own_key()},
    )


@require_http_methods(["GET", "POST"])
def partner_edit_view(request: HttpRequest, partner_id: int | None = None) -> HttpResponse:
    user = _user(request)
    require(user, Perm.MANAGE_PARTNERS)
    partner = get_partner_for(user, partner_id) if partner_id is not None else None
    initial = (
        {
            "name": partner.name,
            "contact": partner.contact,
            "public_key": partner.public_key,
            "active": partner.active,
            "version": partner.version,
        }
        if partner is not None
        else {"active": True}
    )
    form = PartnerForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if partner is None:
                saved = partners.add_partner(
                    name=data["name"], contact=data["contact"], key_text=data["public_key"], by=user
                )
            else:
                saved = partners.change_partner(
                    partner,
                    name=data["name"],
                    contact=data["contact"],
                    key_text=data["public_key"],
                    active=data["active"],
                    version=data["version"] or 0,
                    by=user,
                )
        except ConsentChanged as error:
            assert partner is not None  # noqa: S101 - only a change can conflict
            partner.refresh_from_db()
            form = PartnerForm(
                initial={
                    "name": partner.name,
                    "contact": partner.contact,
                    "public_key": partner.public_key,
                    "active": partner.active,
                    "version": partner.version,
                }
            )
            messages.error(request, error.message)
        except ConsentError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("%(partner)s was saved. Check the key's fingerprint with them before sharing.")
                % {"partner": saved.name}
                if not saved.verified
                else _("%(partner)s was saved.") % {"partner": saved.name},
            )
            return redirect("cases:partners")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "cases/partner_edit.html", {"form": form, "partner": partner}, status=status
    )


@require_POST
def partner_verify_view(request: HttpRequest, partner_id: int) -> HttpResponse:
    user = _user(request)
    partner = get_partner_for(user, partner_id)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        partners.verify_partner(partner, version=version, by=user)
    except ConsentError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("You checked the key of %(partner)s with them: cases can be shared with them.")
            % {"partner": partner.name},
        )
    return redirect("cases:partners")


def _import_page(request: HttpRequest, form: ImportForm, status: int = 200) -> HttpResponse:
    return render(
        request,
        "cases/import.html",
        {"form": form, "own": _own_key(), "partners": PartnerOrganisation.objects.exists()},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def import_view(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    require(user, Perm.IMPORT_BUNDLES)
    if request.method == "GET":
        return _import_page(request, ImportForm())
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        if files.refusals(request):
            form.errors["bundle"] = form.error_class([_("This file is far too large.")])
        return _import_page(request, form, 400)
    upload = form.cleaned_data["bundle"]
    try:
        if not isinstance(upload, files.StagedUpload):
            raise UploadRefused("an upload that did not go through the vault")
        data = files.read_staged(upload, referrals.BUNDLE_MAX_BYTES)
        imported = referrals.import_bundle(data, by=user)
    except UploadRefused:
        form.add_error("bundle", _("This file is far too large to be a bundle."))
        return _import_page(request, form, 400)
    except ConsentError as error:
        form.add_error("bundle", error.message)
        return _import_page(request, form, 400)
    except (NotInCompartment, VaultSealed):
        form.add_error(None, _("Opening a bundle needs the keys of the identity compartment."))
        return _import_page(request, form, 400)
    messages.success(
        request,
        _("The bundle from %(partner)s was opened as case %(code)s.")
        % {"partner": imported.received.partner.name, "code": imported.case.code},
    )
    return redirect("cases:case", code=imported.case.code)
