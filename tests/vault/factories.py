"""One factory per model with encrypted fields, filling every encrypted
field with a sentinel. The plaintext-at-rest test refuses to run while a
registered model has no factory here: add yours when you add a model."""

from __future__ import annotations

from collections.abc import Callable

from django.db import models

from safepassage.accounts import actions
from safepassage.accounts.models import StaffIdentity
from tests.base import Organisation
from tests.specimens.models import Specimen


def specimen(org: Organisation, mark: Callable[[str], str]) -> None:
    Specimen.objects.create(
        name=mark("name"),
        contact=mark("contact"),
        story=mark("story"),
        details={"note": mark("details")},
    )
    Specimen.objects.create(request={"help": mark("request")})  # written by the public


def staff_identity(org: Organisation, mark: Callable[[str], str]) -> None:
    actions.set_identity(
        org.caseworker, name=mark("staffname"), email=f"{mark('email')}@example.org", by="cli"
    )


FACTORIES: dict[type[models.Model], Callable[[Organisation, Callable[[str], str]], None]] = {
    Specimen: specimen,
    StaffIdentity: staff_identity,
}
