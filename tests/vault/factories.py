"""One factory per model with encrypted fields, filling every encrypted
field with a sentinel. The plaintext-at-rest test refuses to run while a
registered model has no factory here: add yours when you add a model."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from django.db import models

from safepassage.accounts import actions
from safepassage.accounts.models import StaffIdentity
from safepassage.accounts.roles import Role
from safepassage.analysis.models import (
    DocumentationCount,
    Estimate,
    LinkageRun,
    ListDraft,
    VictimList,
    VictimRecord,
)
from safepassage.cases import actions as case_actions
from safepassage.cases.models import (
    Application,
    AsylumClaim,
    Case,
    Check,
    Consent,
    ConsentOverride,
    HandedOverTestimony,
    Host,
    Journey,
    JourneyLeg,
    Note,
    Pathway,
    Person,
    SafeHouse,
    StageChange,
    Stay,
    Task,
    TravelDocument,
    Verification,
)
from safepassage.documentation.models import (
    Act,
    Commitment,
    CommitmentChange,
    CustodyEntry,
    Event,
    Evidence,
    ImportDraft,
    Information,
    Intervention,
    Involvement,
    PersonConsent,
    PersonLink,
    Statement,
    StatementLink,
)
from safepassage.documentation.models import Person as DocumentedPerson
from safepassage.intake.models import Message, Submission, Tag
from safepassage.vault import keys as vault_keys
from safepassage.vault.keyring import current_keyring
from safepassage.vault.models import ExchangeKey, SigningKey
from tests.base import Organisation
from tests.intake.helpers import send_request
from tests.intake.sample_files import phone_photo
from tests.jobs.chores.models import Count
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


def workflow(org: Organisation, mark: Callable[[str], str]) -> None:
    """A case verified with a note, suspected, unlocked and declined, each
    with its sealed words."""
    from safepassage.cases import stages, verification

    case = Case(team=org.team, narrative=mark("workflowstory"))
    case.save()
    by = org.coordinator
    verification.record_check(
        case, kind="interview", finding="doubts", note=mark("checknote"), by=by
    )
    verification.finish(
        case, outcome="suspected_infiltration", reasons=mark("outcomereasons"), by=by
    )
    verification.unlock(case, reason=mark("unlockreason"), by=by)
    stages.move_case(case, to="declined", by=by, reason=mark("movereason"))


def notes_and_tasks(org: Organisation, mark: Callable[[str], str]) -> None:
    """A note written and changed, a task given and changed."""
    from safepassage.cases import notes, tasks

    case = Case(team=org.team, narrative=mark("workstory"))
    case.save()
    by = org.coordinator
    note = notes.add_note(case, text=mark("notetext"), by=by)
    notes.change_note(note, text=mark("notechanged"), by=by, version=1)
    task = tasks.add_task(case, title=mark("tasktitle"), owner=by, due_on=date(2099, 1, 1), by=by)
    tasks.change_task(
        task, title=mark("taskchanged"), owner=by, due_on=date(2099, 1, 2), by=by, version=1
    )


def safe_houses(org: Organisation, mark: Callable[[str], str]) -> None:
    """A house with where it is and its notes, and a case placed in it
    beyond its beds with a reason and notes."""
    from safepassage.cases import safehouses, stays
    from safepassage.cases.opening import Identity, Opening

    house = safehouses.create_house(
        safehouses.HouseDetails(
            label="House 1",
            capacity=1,
            notes=mark("housenotes"),
            location=safehouses.Location(
                region=mark("region"),
                address=mark("address"),
                directions=mark("directions"),
                host_contact=mark("host"),
            ),
        ),
        by=org.coordinator,
    )
    case = case_actions.open_case(
        Opening(principal=Identity(name="A"), members=[Identity(name="B")]), by=org.coordinator
    )
    stays.place_case(
        case,
        stays.Placement(
            house=house,
            people=list(case.people.all()),
            planned_arrival=date.today(),
            notes=mark("staynotes"),
            override_reason=mark("override"),
        ),
        by=org.coordinator,
    )


def travel(org: Organisation, mark: Callable[[str], str]) -> None:
    """Every sealed field of travel: a document's number and issue, an
    application's notes, a journey's legs and arrival, a claim's reference."""
    from datetime import date

    from safepassage.cases import travel_actions as act
    from safepassage.cases.actions import open_case
    from safepassage.cases.models.travel import ArrivalDetails, DocumentDetails, LegDetails
    from safepassage.cases.opening import Identity, Opening

    by = org.coordinator
    case = open_case(Opening(principal=Identity(name="traveller"), narrative=["x"]), by=by)
    person = case.people.get()
    host = Host.objects.create(kind="country", country="DE", name_en="D", name_ru="D", name_fr="D")
    pathway = Pathway.objects.create(host=host, kind="other", name_en="P", name_ru="P", name_fr="P")
    details = DocumentDetails(
        number=mark("docnumber"),
        issued_by=mark("issuedby"),
        issued_on=mark("issuedon"),
        issued_at=mark("issuedat"),
    )
    act.add_travel_document(
        person, by=by, kind="foreign_passport", details=details, notes=mark("docnotes")
    )
    act.add_application(case, pathway, people=[person], by=by, notes=mark("applicationnotes"))
    journey = act.add_journey(case, by=by, notes=mark("journeynotes"))
    leg = LegDetails(
        origin=mark("legfrom"),
        destination=mark("legto"),
        transport=mark("transport"),
        escort=mark("escort"),
    )
    act.add_leg(journey, by=by, departs_on=date(2017, 6, 1), details=leg)
    arrival = ArrivalDetails(place=mark("arrivalplace"), met_by=mark("metby"))
    act.record_arrival(
        journey, version=1, by=by, arrived_on=date(2017, 6, 2), arrived_in=host, arrival=arrival
    )
    act.add_asylum_claim(
        case,
        people=[person],
        by=by,
        host=host,
        reference=mark("claimreference"),
        notes=mark("claimnotes"),
    )


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


def job_result(org: Organisation, mark: Callable[[str], str]) -> None:
    """A background job's result, stored as the runner stores it."""
    from tests.jobs.chores.work import count

    job = Count.objects.create(upto=2)
    store = count(job, lambda stage, fraction: None, secret=mark("job"))
    store(job)
    job.save()


def documentation_records(org: Organisation, mark: Callable[[str], str]) -> None:
    """Every documentation record, each free text a sentinel: an event with
    an act, its victim, a perpetrator and a source, an intervention, a
    biographic link, a statement set beside the act, and a promise
    followed up."""
    import datetime as dt

    from safepassage.documentation import actions, people, recording, sources, statements
    from safepassage.documentation.models import Term
    from safepassage.documentation.precision import FuzzyDate, Place

    def term(key: str, code: str) -> Term:
        return Term.objects.select_related("vocabulary").get(vocabulary__key=key, code=code)

    by = org.coordinator
    victim = recording.PersonPart(
        name=mark("victim"), born=mark("born"), description=mark("victimdescription")
    )
    recorded = recording.record_event_with_act(
        by,
        event=recording.EventPart(
            title=mark("title"),
            start=FuzzyDate.parse("2017-03-late"),
            end=FuzzyDate.unknown(),
            place=Place.of("exact", term("place", "L-RU-CE-ARGUN"), mark("address")),
            description=mark("eventdescription"),
        ),
        act=recording.ActPart(
            act_type=term("act_type", "020111110000"),
            method=mark("method"),
            stated_reason=mark("reason"),
            consequences=mark("consequences"),
        ),
        victim=victim,
        perpetrator=recording.PerpetratorPart(
            perpetrator_type=term("perpetrator_type", "010104000000"),
            degree=term("involvement_degree", "010100000000"),
            person=recording.PersonPart(name=mark("perpetrator")),
            unit=mark("unit"),
            rank=mark("rank"),
        ),
        source=recording.SourcePart(
            connection=term("source_connection", "010200000000"),
            reliability=term("reliability", "010000000000"),
            person=recording.PersonPart(name=mark("witness")),
            account=mark("account"),
            reference=mark("reference"),
        ),
    )
    actions.change_act(
        recorded.act, by=by, version=1, place=Place.of("exact", None, mark("actplace"))
    )
    person = recorded.victim
    people.change_person(
        person, by=by, version=1, other_names=mark("othernames"), contact=mark("contact")
    )
    # The profile holds vocabulary codes; a sentinel shows it is sealed too.
    person.profile = {"sexual_orientation": mark("profile")}
    person.save(update_fields=["profile"])
    relative = people.record_person(by, name=mark("relative"))
    people.link_people(
        by, relative, person, term("relationship", "010102000000"), note=mark("linknote")
    )
    sources.record_intervention(
        by,
        event=recorded.event,
        act=recorded.act,
        kind=term("intervention_type", "L-PROSECUTOR"),
        intervening_party=mark("party"),
        addressed_to=mark("addressee"),
        outcome=mark("outcome"),
    )
    statement = statements.record_statement(
        by,
        speaker=mark("speaker"),
        office=mark("office"),
        quote=mark("quote"),
        translation=mark("translation"),
        published_in=mark("published"),
        stance=term("stance", "L-DENIES"),
    )
    statements.link_statement(
        by, statement, event=recorded.event, act=recorded.act, passage=mark("passage")
    )
    commitment = statements.record_commitment(
        by,
        statement=statement,
        promised_by=mark("promisedby"),
        promised_to=mark("promisedto"),
        promise=mark("promise"),
    )
    statements.change_commitment_status(
        commitment,
        by=by,
        version=1,
        status="not_kept",
        changed_on=dt.date(2018, 12, 20),
        reference=mark("changereference"),
        note=mark("changenote"),
    )


def evidence_locker(org: Organisation, mark: Callable[[str], str]) -> None:
    """An original photo (its EXIF naming the phone with a sentinel) with
    a description, a reason in its custody log, a link, a working copy,
    a view: and the organisation's signing key, made on the way."""
    import io

    from PIL import ExifTags, Image

    from safepassage.documentation import actions as documentation_actions
    from safepassage.documentation import evidence
    from safepassage.documentation.models import Operation
    from safepassage.documentation.precision import FuzzyDate
    from safepassage.vault import files

    by = org.coordinator
    event = documentation_actions.record_event(
        by, title=mark("evidenceevent"), start=FuzzyDate.parse("2017-03")
    )
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = mark("exifmake")
    out = io.BytesIO()
    Image.new("RGB", (32, 32), (10, 20, 30)).save(out, "JPEG", exif=exif)
    staged = files.stage_bytes(out.getvalue(), name=mark("evidencename"), content_type="image/jpeg")
    item = evidence.add_evidence(
        by, staged, target=event, description=mark("evidencedescription"), why=mark("custodywhy")
    )
    copy = evidence.make_working_copy(by, item, Operation.BLURRED, why=mark("copywhy"))
    _meta, chunks = evidence.open_item(by, copy, download=False, why=mark("viewwhy"))
    b"".join(chunks)


def _upload_as(username: str, role: Role, url: str, name: str, text: str, **data: str) -> None:
    """A file sent through a page by a new user of `role` who holds the
    documentation keys; it is kept waiting (a redirect to its next page)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from tests.base import make_user, sign_in

    user = make_user(username, role)
    vault_keys.grant(current_keyring(), "documentation", user.pk, by="cli")
    client = Client()
    sign_in(client, user)
    upload = SimpleUploadedFile(name, text.encode())
    response = client.post(url, {"file": upload, **data})
    assert response.status_code == 302


def import_draft(org: Organisation, mark: Callable[[str], str]) -> None:
    """A file uploaded for import, waiting for its columns: through the
    page, as a documenter sends it."""
    text = f"Title;Act;Victim\n{mark('importtitle')};Torture;{mark('importvictim')}\n"
    _upload_as(
        "importer", Role.DOCUMENTER, "/documentation/import/", f"{mark('importname')}.csv", text
    )


def list_draft(org: Organisation, mark: Callable[[str], str]) -> None:
    """A new victim list uploaded through the page, waiting for its columns."""
    text = f"ФИО;Место\n{mark('draftvictim')};{mark('draftplace')}\n"
    _upload_as("list-importer", Role.ANALYST, "/analysis/import/", f"{mark('draftfile')}.csv",
               text, list_name=mark("draftsource"))  # fmt: skip


def documentation_count(org: Organisation, mark: Callable[[str], str]) -> None:
    """The documented victims (documentation_records' sentinels) handed to
    counting: lists and records made from them, and the count's summary."""
    from safepassage.accounts.roles import Role
    from safepassage.analysis.handover import count_from_documentation
    from safepassage.vault import keys
    from safepassage.vault.keyring import current_keyring
    from tests.base import make_user

    documenter = make_user("documenter-at-rest", Role.DOCUMENTER)
    keys.grant(current_keyring(), "documentation", documenter.pk, by="cli")
    count = count_from_documentation(documenter)
    assert count.records  # the sentinel victim is on a list


def handed_over_testimony(org: Organisation, mark: Callable[[str], str]) -> None:
    """A person's testimony handed over to the documentation under an
    override (its reason a sentinel). The code the case keeps is the
    documentation's own, plain there by design: the sealed column is
    checked with a sentinel written in its place."""
    from django.utils import timezone

    from safepassage.cases import actions as case_actions
    from safepassage.cases.consent import record_consent
    from safepassage.cases.opening import Identity, Opening
    from safepassage.cases.testimony import hand_over_testimony

    case = case_actions.open_case(
        Opening(principal=Identity(name=mark("witnessname")), members=[Identity(name="B")]),
        by=org.coordinator,
    )
    principal, member = case.people.order_by("position")
    record_consent(
        principal,
        kind="testimony",
        scope=["narrative"],
        given_on=timezone.localdate(),
        method="in_person",
        explanation=mark("testimonyexplained"),
        by=org.coordinator,
    )
    handover = hand_over_testimony(principal, by=org.coordinator, originals=True)
    handover.documentation_code = mark("handedovercode")
    handover.save(update_fields=["documentation_code"])
    hand_over_testimony(
        member, by=org.coordinator, originals=False, override_reason=mark("handoverreason")
    )


def documented_consent(org: Organisation, mark: Callable[[str], str]) -> None:
    """A documented person's consent, its note a sentinel."""
    from django.utils import timezone

    from safepassage.documentation import consent, people

    person = people.record_person(org.coordinator, name=mark("consentee"))
    consent.record_consent(
        person,
        by=org.coordinator,
        testimony=True,
        originals=False,
        given_on=timezone.localdate(),
        note=mark("consentnote"),
    )


FACTORIES: dict[type[models.Model], Callable[[Organisation, Callable[[str], str]], None]] = {
    Specimen: specimen,
    StaffIdentity: staff_identity,
    Submission: intake_request,
    Tag: intake_request,
    Message: intake_request,
    Case: intake_request,
    Person: household,
    StageChange: workflow,
    Verification: workflow,
    Check: workflow,
    Note: notes_and_tasks,
    Task: notes_and_tasks,
    SafeHouse: safe_houses,
    Stay: safe_houses,
    TravelDocument: travel,
    Application: travel,
    Journey: travel,
    JourneyLeg: travel,
    AsylumClaim: travel,
    Consent: consent_and_sharing,
    ConsentOverride: consent_and_sharing,
    ExchangeKey: consent_and_sharing,
    VictimList: victim_list,
    VictimRecord: victim_list,
    LinkageRun: linkage_results,
    Estimate: linkage_results,
    Count: job_result,
    Event: documentation_records,
    Act: documentation_records,
    Involvement: documentation_records,
    DocumentedPerson: documentation_records,
    PersonLink: documentation_records,
    PersonConsent: documented_consent,
    HandedOverTestimony: handed_over_testimony,
    Information: documentation_records,
    Intervention: documentation_records,
    Statement: documentation_records,
    StatementLink: documentation_records,
    Commitment: documentation_records,
    CommitmentChange: documentation_records,
    ImportDraft: import_draft,
    ListDraft: list_draft,
    Evidence: evidence_locker,
    CustodyEntry: evidence_locker,
    SigningKey: evidence_locker,
    DocumentationCount: documentation_count,
}
