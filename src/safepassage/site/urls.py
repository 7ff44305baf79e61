"""Every app's pages, put together by the site app (the root URLconf,
safepassage/urls.py, includes this)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from safepassage.intake.urls import public_urlpatterns
from safepassage.site import views

urlpatterns = [
    path("", views.dashboard_view, name="dashboard"),
    path("healthz", views.health_view, name="health"),
    path("i18n/language/", login_not_required(set_language), name="set_language"),
    path("audit/", include("safepassage.audit.urls")),
    path("vault/", include("safepassage.vault.urls")),
    path("intake/", include("safepassage.intake.urls")),
    path("cases/", include("safepassage.cases.urls")),
    path("analysis/", include("safepassage.analysis.urls")),
    path("documentation/", include("safepassage.documentation.urls")),
    path("request/", include((public_urlpatterns, "public"))),
    path("", include("safepassage.accounts.urls")),
]
