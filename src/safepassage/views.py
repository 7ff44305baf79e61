"""The shell around every page: dashboard, health check and error pages."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from safepassage.accounts.models import Organisation, RecoveryCodeDevice, User
from safepassage.accounts.roles import Perm
from safepassage.accounts.sessions import passed_both_factors
from safepassage.audit.chain import reference
from safepassage.audit.models import AuditEntry
from safepassage.vault.keyring import current_keyring_or_none
from safepassage.vault.models import Compartment

LOW_RECOVERY_CODES = 3


def shell_context(request: HttpRequest) -> dict[str, Any]:
    """What the layout needs: the organisation's name and the menu."""
    user = getattr(request, "user", None)
    menu: list[tuple[str, str]] = []
    if user is not None and passed_both_factors(request):
        menu.append(("dashboard", "dashboard"))
        menu.append(("teams", "accounts:team_list"))
        if user.can(Perm.VIEW_STAFF):
            menu.append(("staff", "accounts:staff_list"))
        if user.can(Perm.VIEW_AUDIT_LOG):
            menu.append(("audit", "audit:log"))
        if user.can(Perm.TRIAGE_REQUESTS):
            menu.append(("intake", "intake:inbox"))
        if user.can(Perm.VIEW_CASES):
            menu.append(("cases", "cases:list"))
        if user.can(Perm.MANAGE_FORM):
            menu.append(("questions", "intake:questions"))
        if user.can(Perm.REVIEW_LINKS) or user.can(Perm.ANALYSE):
            menu.append(("analysis", "analysis:home"))
        menu.append(("vault", "vault:overview"))
        menu.append(("account", "accounts:account"))
    organisation = Organisation.objects.order_by("pk").first()
    return {
        "organisation_name": organisation.name if organisation else "safepassage",
        "menu": menu,
    }


@require_GET
def dashboard_view(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    recovery = RecoveryCodeDevice.objects.filter(user=user).first()
    recovery_left = recovery.remaining() if recovery else 0
    # People spot a stolen account by a login they did not make.
    own = reference(user)
    recent = AuditEntry.objects.filter(actor=own).order_by("-seq")[:8]
    failures = AuditEntry.objects.filter(target=own, action="auth.login_failed").order_by("-seq")[
        :5
    ]
    keyring = current_keyring_or_none()
    held = sorted(keyring.compartments()) if keyring is not None else []
    context = {
        "compartments": [label for name, label in Compartment.choices if name in held],
        "teams": user.teams.all(),
        "recovery_left": recovery_left,
        "recovery_low": recovery_left <= LOW_RECOVERY_CODES,
        "recent": recent,
        "failures": failures,
    }
    return render(request, "dashboard.html", context)


@login_not_required
@never_cache
@require_GET
def health_view(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok\n", content_type="text/plain")


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/request/"):
        # The public pages' own frame: no staff menu, no form, no cookie.
        return render(request, "intake/not_found.html", {"lang": "en"}, status=404)
    return render(request, "errors/404.html", status=404)


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/400.html", status=400)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "errors/csrf.html", status=403)


def error_500(request: HttpRequest) -> HttpResponse:
    # No context processors: the database may be what failed.
    from django.template import loader

    return HttpResponse(loader.get_template("errors/500.html").render(), status=500)
