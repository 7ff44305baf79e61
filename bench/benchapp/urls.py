from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from bench.benchapp.models import PlainCase, PlainRequest, SealedCase
from safepassage.intake.forms import RequestForm


def plain(request):  # type: ignore[no-untyped-def]
    return render(request, "benchapp/cases.html", {"cases": PlainCase.objects.order_by("code")})


def sealed(request):  # type: ignore[no-untyped-def]
    return render(request, "benchapp/cases.html", {"cases": SealedCase.objects.order_by("code")})


@csrf_exempt
def plain_request(request):  # type: ignore[no-untyped-def]
    """The same public form, with encryption switched off."""
    form = RequestForm(request.POST or None, language="en")
    if request.method == "POST" and form.is_valid():
        PlainRequest.objects.create(payload=form.payload())
        return render(request, "intake/receipt.html", {"words": ["plain"] * 8, "lang": "en"})
    return render(request, "intake/request.html", {"form": form, "lang": "en"}, status=400)


urlpatterns = [
    path("bench/plain-request/", login_not_required(plain_request)),
    path("bench/plain/", plain),
    path("bench/sealed/", sealed),
    path("", include("safepassage.urls")),
]
