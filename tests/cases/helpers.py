"""Opening cases for the tests of cases: from a request sent through the
public form, as intake does, or from an Opening directly."""

from __future__ import annotations

from typing import Any

from safepassage.accounts.models import User
from safepassage.accounts.roles import Role
from safepassage.cases import actions
from safepassage.cases.models import Case, Verification
from safepassage.cases.opening import Contact, Identity, Location, Opening
from safepassage.intake import actions as intake_actions
from safepassage.intake.models import Submission
from safepassage.vault import keys
from safepassage.vault.keyring import using_keyring
from tests.base import Organisation, Vault, keyring_of, make_user
from tests.intake.helpers import send_request


def request(**overrides: Any) -> Submission:
    """A request sent through the public form."""
    before = set(Submission.objects.values_list("pk", flat=True))
    send_request(**overrides)
    return Submission.objects.exclude(pk__in=before).get()


def open_from_request(user: User, submission: Submission) -> Case:
    with using_keyring(keyring_of(user)):
        return intake_actions.open_case_from(submission, by=user)


def person(name: str = "", *, handle: str = "", relationship: str = "", **fields: Any) -> Identity:
    return Identity(
        name=name,
        contacts=[Contact("signal", handle)] if handle else [],
        relationship=relationship,
        location=fields.pop("location", Location()),
        **fields,
    )


def open_household(user: User, principal: Identity, *members: Identity, source: str = "") -> Case:
    opening = Opening(source=source, principal=principal, members=list(members), narrative=["x"])
    with using_keyring(keyring_of(user)):
        return actions.open_case(opening, by=user)


def verifier_with_intake_only(org: Organisation, vault: Vault) -> User:
    """A verifier of the team who holds intake's keys but not identity's."""
    user = make_user("verifier", Role.VERIFIER, teams=(org.team,))
    keys.grant(vault.keyring, "intake", user.pk, by="cli")
    return user


def verifier(org: Organisation, vault: Vault, username: str = "verifier") -> User:
    """A verifier of the team who holds intake's, identity's and casework's keys."""
    user = make_user(username, Role.VERIFIER, teams=(org.team,))
    for compartment in ("intake", "identity", "casework"):
        keys.grant(vault.keyring, compartment, user.pk, by="cli")
    return user


def at_stage(case: Case, stage: str, **fields: Any) -> Case:
    """Put a case in a stage as if it had been moved there (test set-up):
    accepted if the stage comes after acceptance, unless said otherwise."""
    from django.utils import timezone

    from safepassage.cases import stages

    accepted = stage not in stages.BEFORE_ACCEPTANCE and stage != "declined"
    fields.setdefault("accepted_on", timezone.localdate() if accepted else None)
    Case.objects.filter(pk=case.pk).update(stage=stage, **fields)
    case.refresh_from_db()
    return case


def verified(case: Case, by: User) -> Verification:
    """A finished round of checks with the outcome "verified" (test set-up)."""
    from django.utils import timezone

    return Verification.objects.create(
        case=case, number=1, outcome="verified", finished_on=timezone.localdate(), started_by=by
    )
