from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from bench.benchapp.models import (
    GroupedCase,
    PlainCase,
    PlainGroupedCase,
    PlainRequest,
    SealedCase,
)
from safepassage.intake import views_public
from safepassage.intake.forms import RequestForm


def plain(request):  # type: ignore[no-untyped-def]
    return render(request, "benchapp/cases.html", {"cases": PlainCase.objects.order_by("code")})


def sealed(request):  # type: ignore[no-untyped-def]
    cases = SealedCase.objects.order_by("code").opened()
    return render(request, "benchapp/cases.html", {"cases": cases})


def plain_grouped(request):  # type: ignore[no-untyped-def]
    cases = PlainGroupedCase.objects.order_by("code")
    return render(request, "benchapp/grouped_cases.html", {"cases": cases})


def grouped(request):  # type: ignore[no-untyped-def]
    cases = GroupedCase.objects.order_by("code").opened()
    return render(request, "benchapp/grouped_cases.html", {"cases": cases})


@csrf_exempt
def plain_request(request):  # type: ignore[no-untyped-def]
    """The public form's view with encryption switched off: the same language
    choice, form, checks and pages; the answers stored as a plain JSON row."""
    language = views_public._language(request)
    form = RequestForm(request.POST or None, language=language)
    _files, file_errors = views_public._uploads(request, "attachments")
    if request.method != "POST" or not form.is_valid() or file_errors:
        return views_public._render(request, "intake/request.html", {"form": form}, status=400)
    PlainRequest.objects.create(payload=form.payload())
    return views_public._render(
        request, "intake/receipt.html", {"code": "R-PLAIN", "words": ["plain"] * 8}
    )


urlpatterns = [
    path("bench/plain-request/", login_not_required(plain_request)),
    path("bench/plain/", plain),
    path("bench/sealed/", sealed),
    path("bench/plain-grouped/", plain_grouped),
    path("bench/grouped/", grouped),
    path("", include("safepassage.urls")),
]
