from django.shortcuts import render
from django.urls import include, path

from bench.benchapp.models import PlainCase, SealedCase


def plain(request):  # type: ignore[no-untyped-def]
    return render(request, "benchapp/cases.html", {"cases": PlainCase.objects.order_by("code")})


def sealed(request):  # type: ignore[no-untyped-def]
    return render(request, "benchapp/cases.html", {"cases": SealedCase.objects.order_by("code")})


urlpatterns = [
    path("bench/plain/", plain),
    path("bench/sealed/", sealed),
    path("", include("safepassage.urls")),
]
