"""One factory per model with encrypted fields, filling every encrypted
field with a sentinel. The plaintext-at-rest test refuses to run while a
registered model has no factory here: add yours when you add a model."""

from __future__ import annotations

from collections.abc import Callable

from django.db import models

from safepassage.accounts import actions
from safepassage.accounts.models import StaffIdentity
from safepassage.analysis.models import Estimate, LinkageRun, VictimList, VictimRecord
from safepassage.cases.models import Case, Consent, ConsentOverride, Person
from safepassage.intake.models import Message, Submission, Tag
from safepassage.vault.models import ExchangeKey
from tests.base import Organisation
from tests.intake.helpers import send_request
from tests.intake.sample_files import phone_photo
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


def intake_request(org: Organisation, mark: Callable[[str], str]) -> None:
    """The whole public path: the form with a file, the person writing again,
    a staff reply, and a case opened from the request."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from safepassage.intake import actions

    receipt = send_request(
        name=mark("name"),
        happened=mark("happened"),
        help=mark("help"),
        contact_handle=f"+7928{mark('phone')}",
        place=mark("place"),
        household_notes=mark("household"),
        # A phone's photo, its camera named by a sentinel, the original kept
        # (with consent): cleaned in memory, both copies encrypted at rest.
        attachments=[SimpleUploadedFile("id.jpg", phone_photo(mark("photo")))],
        keep_originals="on",
    )
    submission = Submission.objects.get()
    actions.add_person_message(submission, mark("again"), [], receipt=receipt)
    actions.staff_reply(submission, mark("reply"), [], by=org.coordinator)
    tag = actions.tag_named(mark("tag"), by=org.coordinator)
    actions.set_tags(submission, [tag], by=org.coordinator)
    actions.open_case_from(submission, by=org.coordinator)


def household(org: Organisation, mark: Callable[[str], str]) -> None:
    """A case opened with every field of a person filled, for the principal
    and a member, and a case as earlier versions stored it (one JSON
    object of identity), moved into people."""
    from safepassage.cases import actions as case_actions
    from safepassage.cases.opening import Answer, Contact, Identity, Location, Opening

    def person(role: str) -> Identity:
        return Identity(
            name=mark(f"{role}name"),
            other_names=[mark(f"{role}alias")],
            born=mark(f"{role}born"),
            contacts=[Contact("signal", f"+7928{mark(f'{role}phone')}")],
            location=Location(mark(f"{role}area"), mark(f"{role}place")),
            gender=mark(f"{role}gender"),
            relationship=mark(f"{role}relationship"),
            notes=mark(f"{role}notes"),
        )

    case_actions.open_case(
        Opening(
            principal=person("principal"),
            members=[person("member")],
            household_notes=mark("householdnotes"),
            narrative=[mark("narrative")],
            answers=[Answer(mark("question"), [mark("answer")])],
        ),
        by=org.coordinator,
    )
    old = Case(narrative=mark("oldstory"))
    old.identity = {"name": mark("oldname"), "household": {"count": 1, "notes": mark("oldwho")}}
    old.save()
    case_actions.move_people(old, by=org.coordinator)


def consent_and_sharing(org: Organisation, mark: Callable[[str], str]) -> None:
    """Our partner key (its private half, and a second row whose sealed
    secret is a sentinel), consents with what was explained, a referral
    made under an override (its reason) whose bundle holds the people's
    names, and a partner's bundle about other people opened as a case."""
    from django.utils import timezone

    from safepassage.cases import actions as case_actions
    from safepassage.cases import bundles, partners, referrals
    from safepassage.cases.consent import record_consent
    from safepassage.cases.opening import Identity, Opening
    from safepassage.vault import bundles as sealing
    from safepassage.vault import exchange
    from safepassage.vault.models import ExchangeKey

    exchange.make_key(by="cli")
    theirs = sealing.ExchangeSecret.generate()
    partner = partners.add_partner(
        name="Refuge Nord", contact="", key_text=sealing.partner_key_text(theirs.public), by="cli"
    )
    partners.verify_partner(partner, version=partner.version, by=org.admin)
    case = case_actions.open_case(
        Opening(
            principal=Identity(name=mark("sharedname")),
            members=[Identity(name=mark("sharedmember"))],
            narrative=[mark("sharedstory")],
        ),
        by=org.coordinator,
    )
    principal = case.people.get(position=0)
    record_consent(
        principal,
        kind="partner",
        partner=partner,
        scope=["identity", "narrative"],
        given_on=timezone.localdate(),
        method="phone",
        explanation=mark("explained"),
        by=org.caseworker,
    )
    referrals.share(
        case,
        partner,
        kind="referral",
        parts=["identity", "narrative"],
        override_reason=mark("overridereason"),
        by=org.coordinator,
    )
    ours = exchange.own_key()
    assert ours is not None
    received = bundles.Content(
        manifest=bundles.Manifest(
            format=1,
            bundle="6" * 32,
            kind="transfer",
            made=timezone.now().isoformat(),
            sender="Refuge Nord",
            sender_case="C-7KQ2XM",
            recipient="us",
            stage="received",
            parts=["identity", "narrative"],
            people=1,
        ),
        people=[
            bundles.BundlePerson(
                role="principal", position=0, identity=Identity(name=mark("receivedname"))
            )
        ],
        narrative=mark("receivedstory"),
    )
    referrals.import_bundle(
        sealing.seal_bundle_for(ours, bundles.encode(received), theirs), by=org.coordinator
    )
    # Last: a row whose secret is no key would stop bundles opening.
    spare = ExchangeKey(box_public=bytes(32), verify_key=bytes(32), pin="", current=False)
    spare.secret = mark("partnersecret")
    spare.save()


def victim_list(org: Organisation, mark: Callable[[str], str]) -> None:
    from safepassage.analysis.importing import import_list

    text = f"Name,Town\n{mark('victim')},{mark('town')}\n"
    mapping = {"name": "Name", "place": "Town"}
    import_list(("list.csv", text.encode()), mark("listname"), mapping)


def linkage_results(org: Organisation, mark: Callable[[str], str]) -> None:
    from safepassage.analysis.models import Estimate, LinkageRun

    run = LinkageRun(status="done")
    run.result = {"ids": [mark("record")], "lists": ["A"], "pairs": [], "strata": {}}
    run.save()
    estimate = Estimate(run=run, method="loglinear", status="done")
    estimate.result = {"lines": [mark("estimate")]}
    estimate.save()


FACTORIES: dict[type[models.Model], Callable[[Organisation, Callable[[str], str]], None]] = {
    Specimen: specimen,
    StaffIdentity: staff_identity,
    Submission: intake_request,
    Tag: intake_request,
    Message: intake_request,
    Case: intake_request,
    Person: household,
    Consent: consent_and_sharing,
    ConsentOverride: consent_and_sharing,
    ExchangeKey: consent_and_sharing,
    VictimList: victim_list,
    VictimRecord: victim_list,
    LinkageRun: linkage_results,
    Estimate: linkage_results,
}
