"""Test-only views that upload and download encrypted files for a compartment."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse

from safepassage.vault import files
from safepassage.vault.errors import NotInCompartment
from safepassage.vault.keyring import current_keyring
from safepassage.vault.models import EncryptedFile


def upload(request: HttpRequest) -> HttpResponse:
    refused = files.refusals(request)
    document = request.FILES.get("document")
    if refused or document is None:
        return JsonResponse({"refused": [reason for _field, reason in refused]}, status=400)
    if request.POST.get("keep") != "yes":
        return JsonResponse({"kept": False})
    stored = files.claim(document, "casework")  # type: ignore[arg-type]
    return JsonResponse({"id": str(stored.pk)})


def download(request: HttpRequest, file_id: str) -> HttpResponse:
    stored = EncryptedFile.objects.filter(pk=file_id).first()
    if stored is None:
        raise Http404()
    try:
        return files.file_response(current_keyring(), stored)
    except NotInCompartment:
        raise Http404() from None
