"""The dashboard, the health check and the error pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from safepassage.accounts.dashboard import Period
from safepassage.accounts.models import RecoveryCodeDevice, User
from safepassage.audit.chain import reference
from safepassage.audit.models import AuditEntry
from safepassage.site.dashboard import cards_for, uses_period
from safepassage.site.forms import PeriodForm
from safepassage.vault.keyring import current_keyring_or_none
from safepassage.vault.models import Compartment

LOW_RECOVERY_CODES = 3


@require_GET
def dashboard_view(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    recovery = RecoveryCodeDevice.objects.filter(user=user).first()
    recovery_left = recovery.remaining() if recovery else 0
    # People spot a stolen account by a login they did not make.
    own = reference(user)
    # Not the reads of this page itself (its task titles, audited at each
    # visit): they would bury everything else.
    recent = (
        AuditEntry.objects.filter(actor=own)
        .exclude(action="case.tasks_viewed", details__view="dashboard")
        .order_by("-seq")[:8]
    )
    failures = AuditEntry.objects.filter(target=own, action="auth.login_failed").order_by("-seq")[
        :5
    ]
    keyring = current_keyring_or_none()
    held = sorted(keyring.compartments()) if keyring is not None else []
    # The period of the cards that count over one (GET: from and to);
    # a period that does not parse is shown with its message, and the
    # default period used.
    chosen = "start" in request.GET or "end" in request.GET
    default = Period.default()
    period_form = PeriodForm(
        request.GET if chosen else None, initial={"start": default.start, "end": default.end}
    )
    period = period_form.period()
    context = {
        "cards": cards_for(request, period),
        "period": period,
        "period_form": period_form if uses_period(user) else None,
        "compartments": [label for name, label in Compartment.choices if name in held],
        "teams": user.teams.all(),
        "recovery_left": recovery_left,
        "recovery_low": recovery_left <= LOW_RECOVERY_CODES,
        "recent": recent,
        "failures": failures,
    }
    return render(request, "site/dashboard.html", context)


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
