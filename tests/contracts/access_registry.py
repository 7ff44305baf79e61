"""Every access function of the code base (``get_*_for``), with how to
build a record it returns, who may have it, who may not, and a page that
answers through it.

tests/contracts/test_same_404.py finds every ``get_*_for`` under src/ and
fails for one that has no entry here: a new access function is added with
its entry, and so with its contract (an outsider gets the same 404 as for
a record that does not exist, the same page byte for byte).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from safepassage.accounts.models import User
from safepassage.accounts.roles import Perm, Role
from safepassage.vault import keys as vault_keys
from tests.base import Organisation, Vault, make_user

NOWHERE = uuid.UUID("7f1c7d0e-0000-4000-8000-000000000000")
NO_NUMBER = 999_999


class Setting:
    """The organisation, its vault, and the records of every app, each
    built the first time an entry asks for it."""

    def __init__(self, org: Organisation, vault: Vault) -> None:
        self.org = org
        self.vault = vault

    @cached_property
    def world(self) -> Any:
        from tests.cases.world import build

        return build(self.org)

    @cached_property
    def desk(self) -> Any:
        from tests.documentation.conftest import Desk

        documenter = make_user("doc", Role.DOCUMENTER, teams=(self.org.other_team,))
        vault_keys.grant(self.vault.keyring, "documentation", documenter.pk, by="cli")
        return Desk(self.org, self.vault, documenter, documenter, documenter, documenter)

    @cached_property
    def other_documenter(self) -> User:
        """A documenter with the keys, who did not upload the file."""
        other = make_user("doc2", Role.DOCUMENTER, teams=(self.org.other_team,))
        vault_keys.grant(self.vault.keyring, "documentation", other.pk, by="cli")
        return other

    @cached_property
    def import_draft(self) -> Any:
        """A file uploaded for import, waiting for its columns."""
        from safepassage.documentation import import_drafts, importing
        from safepassage.vault.keyring import using_keyring

        text = "Title;Date\nDetentions in Argun;26.03.2017\n"
        found = importing.read_table("list.csv", text.encode(), max_rows=importing.WEB_MAX_ROWS)
        with using_keyring(self.vault.keyring):
            return import_drafts.keep_draft(self.desk.documenter, "list.csv", found)

    @cached_property
    def documented(self) -> dict[str, Any]:
        from safepassage.documentation import sources, statements
        from safepassage.vault.keyring import using_keyring
        from tests.documentation.conftest import record_detention, term

        by = self.desk.documenter
        with using_keyring(self.vault.keyring):
            recorded = record_detention(by)
            statement = statements.record_statement(
                by,
                speaker="A spokesman",
                quote="There are no such people here.",
                stance=term("stance", "L-DENIES"),
            )
            commitment = statements.record_commitment(
                by, promised_by="An official", promise="An investigation."
            )
            intervention = sources.record_intervention(
                by,
                event=recorded.event,
                kind=term("intervention_type", "L-PROSECUTOR"),
                intervening_party="Our lawyer",
            )
            from safepassage.documentation import evidence
            from safepassage.vault import files

            staged = files.stage_bytes(b"%PDF-1.4 a letter", name="l.pdf", content_type="x/y")
            item = evidence.add_evidence(by, staged, target=recorded.event)
        return {
            "evidence": item,
            "event": recorded.event,
            "act": recorded.act,
            "victim": recorded.victim,
            "statement": statement,
            "commitment": commitment,
            "intervention": intervention,
            "term": term("act_type", "L-FORCED-OUTING"),
        }

    @cached_property
    def submission(self) -> Any:
        from tests.cases.helpers import request
        from tests.intake.helpers import JPEG

        return request(attachments=[SimpleUploadedFile("photo.jpg", JPEG + b"bruises")])

    @cached_property
    def analyst(self) -> User:
        user = make_user("analyst", Role.ANALYST)
        vault_keys.grant(self.vault.keyring, "documentation", user.pk, by="cli")
        return user

    @cached_property
    def other_analyst(self) -> User:
        """An analyst with the keys, who did not upload the list."""
        user = make_user("analyst2", Role.ANALYST)
        vault_keys.grant(self.vault.keyring, "documentation", user.pk, by="cli")
        return user

    @cached_property
    def list_draft(self) -> Any:
        """A new victim list uploaded, waiting for its columns."""
        from safepassage.analysis.list_drafts import keep_draft

        rows = [["ФИО", "Место"], ["Умаров Магомед", "Аргун"]]
        return keep_draft(self.analyst, "list.csv", "Newspaper", rows, {"name": "ФИО"})

    @cached_property
    def event_link(self) -> Any:
        """A chain of two events: the documented one led to another."""
        from safepassage.documentation import actions
        from safepassage.vault.keyring import using_keyring
        from tests.documentation.conftest import record_detention, term

        event = self.documented["event"]
        with using_keyring(self.vault.keyring):
            later = record_detention(self.desk.documenter, title="A disappearance").event
            return actions.link_events(
                self.desk.documenter, event, later, term("chain_type", "030000000000")
            )

    @cached_property
    def person_link(self) -> Any:
        """A biographic link: the documented victim is a relative of another."""
        from safepassage.documentation import people
        from safepassage.vault.keyring import using_keyring
        from tests.documentation.conftest import term

        victim = self.documented["victim"]
        with using_keyring(self.vault.keyring):
            brother = people.record_person(self.desk.documenter, name="A brother")
            return people.link_people(
                self.desk.documenter, victim, brother, term("relationship", "L-COMMANDER-OF")
            )

    @cached_property
    def count(self) -> Any:
        """A count made from the documentation (a detention sent to counting)."""
        from safepassage.analysis.handover import count_from_documentation
        from safepassage.vault.keyring import using_keyring

        event = self.documented["event"]
        with using_keyring(self.vault.keyring):
            count = count_from_documentation(self.desk.documenter)
        assert count.acts >= 1, event
        return count

    @cached_property
    def run(self) -> Any:
        from safepassage.analysis.models import Estimate, LinkageRun
        from safepassage.jobs.models import JobStatus

        now = timezone.now()
        run = LinkageRun.objects.create(
            status=JobStatus.RUNNING, progress=40, stage="clustering", started=now, heartbeat=now
        )
        estimate = Estimate.objects.create(
            run=run, method="loglinear", status=JobStatus.RUNNING, started=now, heartbeat=now
        )
        return run, estimate


Arguments = tuple[Any, ...]


@dataclass(frozen=True)
class Entry:
    """How one access function is held to the contract."""

    # The arguments after the user for a record that exists, and for one
    # that does not (the same form: a code, an id).
    present: Callable[[Setting], Arguments]
    missing: Callable[[Setting], Arguments]
    # Someone who gets the record, and someone who gets the 404.
    insider: Callable[[Setting], User]
    outsider: Callable[[Setting], User]
    # A page that answers through the function, from its arguments, and
    # its method; None with the reason when no page does (yet).
    page: Callable[..., str] | None = None
    method: str = "get"
    no_page: str = ""


def _coordinator(s: Setting) -> User:
    return s.org.coordinator


def _caseworker(s: Setting) -> User:
    return s.org.caseworker


def _outsider(s: Setting) -> User:
    """A caseworker of another team (documentation's keys, no documentation role)."""
    return s.org.outsider


def _auditor(s: Setting) -> User:
    return s.org.auditor


def _admin(s: Setting) -> User:
    return s.org.admin


def _documenter(s: Setting) -> User:
    return s.desk.documenter


def _analyst(s: Setting) -> User:
    return s.analyst


def _case(s: Setting) -> Arguments:
    return (s.world.case.code,)


def _of_case(attribute: str) -> Callable[[Setting], Arguments]:
    return lambda s: (s.world.case.code, getattr(s.world, attribute).pk)


def _nowhere_in_case(s: Setting) -> Arguments:
    return (s.world.case.code, NOWHERE)


def _case_url(suffix: str) -> Callable[..., str]:
    return lambda code, *ids: f"/cases/{code}/" + suffix.format(*ids)


CASES = "safepassage.cases.access"
DOCUMENTATION = "safepassage.documentation.access"
DOCUMENTATION_PAGE_NONE = "no page reads it on its own: its event's page shows it"

REGISTRY: dict[str, Entry] = {
    # --- Cases ---------------------------------------------------------------------
    f"{CASES}:get_case_for": Entry(
        _case, lambda s: ("C-NOPE99",), _caseworker, _outsider, _case_url("")
    ),
    f"{CASES}:get_person_for": Entry(
        lambda s: (s.world.case.code, s.world.case.people.get(position=0).pk),
        _nowhere_in_case,
        _caseworker,
        _outsider,
        no_page="the people are shown on their case's page",
    ),
    f"{CASES}:get_safe_house_for": Entry(
        lambda s: (s.world.house.pk,),
        lambda s: (NOWHERE,),
        _caseworker,
        _auditor,
        lambda house: f"/cases/safe-houses/{house}/",
    ),
    f"{CASES}:get_case_stays_for": Entry(
        _case, lambda s: ("C-NOPE99",), _caseworker, _outsider, _case_url("stays/")
    ),
    f"{CASES}:get_case_to_place_for": Entry(
        _case,
        lambda s: ("C-NOPE99",),
        _caseworker,
        _outsider,
        _case_url("stays/"),
        method="post",
    ),
    f"{CASES}:get_stay_for": Entry(
        _of_case("stay"), _nowhere_in_case, _caseworker, _outsider, _case_url("stays/{}/move/")
    ),
    f"{CASES}:get_travel_document_for": Entry(
        _of_case("document"),
        _nowhere_in_case,
        _caseworker,
        _outsider,
        _case_url("travel/documents/{}/"),
    ),
    f"{CASES}:get_application_for": Entry(
        _of_case("application"),
        _nowhere_in_case,
        _caseworker,
        _outsider,
        _case_url("travel/applications/{}/"),
    ),
    f"{CASES}:get_journey_for": Entry(
        _of_case("journey"),
        _nowhere_in_case,
        _caseworker,
        _outsider,
        _case_url("travel/journeys/{}/"),
    ),
    f"{CASES}:get_journey_leg_for": Entry(
        lambda s: (s.world.case.code, s.world.journey.pk, s.world.leg.pk),
        lambda s: (s.world.case.code, s.world.journey.pk, NOWHERE),
        _caseworker,
        _outsider,
        _case_url("travel/journeys/{}/legs/{}/"),
    ),
    f"{CASES}:get_asylum_claim_for": Entry(
        _of_case("claim"),
        _nowhere_in_case,
        _caseworker,
        _outsider,
        _case_url("travel/claims/{}/"),
    ),
    f"{CASES}:get_host_for": Entry(
        lambda s: (s.world.application.pathway.host_id,),
        lambda s: (NO_NUMBER,),
        _coordinator,
        _caseworker,
        lambda host: f"/cases/hosts/{host}/",
    ),
    f"{CASES}:get_pathway_for": Entry(
        lambda s: (s.world.application.pathway_id,),
        lambda s: (NO_NUMBER,),
        _coordinator,
        _caseworker,
        lambda pathway: f"/cases/hosts/pathways/{pathway}/",
    ),
    f"{CASES}:get_consent_for": Entry(
        _of_case("consent"),
        _nowhere_in_case,
        _caseworker,
        _outsider,
        _case_url("consent/{}/withdraw/"),
        method="post",
    ),
    f"{CASES}:get_sent_bundle_for": Entry(
        _of_case("sent"),
        _nowhere_in_case,
        _coordinator,
        _outsider,
        _case_url("consent/sent/{}/bundle/"),
    ),
    f"{CASES}:get_partner_for": Entry(
        lambda s: (s.world.partner.pk,),
        lambda s: (NO_NUMBER,),
        _admin,
        _coordinator,
        lambda partner: f"/cases/partners/{partner}/",
    ),
    f"{CASES}:get_note_for": Entry(
        _of_case("note"),
        _nowhere_in_case,
        _coordinator,  # its author: a note is changed by whoever wrote it
        _outsider,
        _case_url("notes/{}/"),
    ),
    f"{CASES}:get_task_for": Entry(
        _of_case("task"),
        _nowhere_in_case,
        _caseworker,
        _outsider,
        _case_url("tasks/{}/"),
    ),
    # --- Documentation ---------------------------------------------------------------
    f"{DOCUMENTATION}:get_event_for": Entry(
        lambda s: (s.documented["event"].code,),
        lambda s: ("E-NOSUCH",),
        _documenter,
        _outsider,
        lambda code: f"/documentation/events/{code}/",
    ),
    f"{DOCUMENTATION}:get_event_link_for": Entry(
        lambda s: (s.event_link.pk,),
        lambda s: (NO_NUMBER,),
        _documenter,
        _outsider,
        lambda link, *_perm: f"/documentation/chains/{link}/remove/",
        method="post",
    ),
    f"{DOCUMENTATION}:get_act_for": Entry(
        lambda s: (s.documented["act"].code,),
        lambda s: ("A-NOSUCH",),
        _documenter,
        _outsider,
        lambda code: f"/documentation/acts/{code}/edit/",
    ),
    f"{DOCUMENTATION}:get_involvement_for": Entry(
        lambda s: (s.documented["act"].involvements.get().pk,),
        lambda s: (NOWHERE,),
        _documenter,
        _outsider,
        no_page=DOCUMENTATION_PAGE_NONE,
    ),
    f"{DOCUMENTATION}:get_information_for": Entry(
        lambda s: (s.documented["act"].information.get().pk,),
        lambda s: (NOWHERE,),
        _documenter,
        _outsider,
        no_page=DOCUMENTATION_PAGE_NONE,
    ),
    f"{DOCUMENTATION}:get_intervention_for": Entry(
        lambda s: (s.documented["intervention"].pk,),
        lambda s: (NOWHERE,),
        _documenter,
        _outsider,
        no_page=DOCUMENTATION_PAGE_NONE,
    ),
    f"{DOCUMENTATION}:get_person_for": Entry(
        lambda s: (s.documented["victim"].code,),
        lambda s: ("P-NOSUCH",),
        _documenter,
        _outsider,
        lambda code: f"/documentation/people/{code}/",
    ),
    f"{DOCUMENTATION}:get_person_link_for": Entry(
        lambda s: (s.person_link.pk,),
        lambda s: (NOWHERE,),
        _documenter,
        _outsider,
        lambda link, *_perm: f"/documentation/people/links/{link}/remove/",
        method="post",
    ),
    f"{DOCUMENTATION}:get_statement_for": Entry(
        lambda s: (s.documented["statement"].code,),
        lambda s: ("S-NOSUCH",),
        _documenter,
        _outsider,
        lambda code: f"/documentation/statements/{code}/",
    ),
    f"{DOCUMENTATION}:get_commitment_for": Entry(
        lambda s: (s.documented["commitment"].code,),
        lambda s: ("K-NOSUCH",),
        _documenter,
        _outsider,
        no_page="a promise is shown on its statement's page",
    ),
    f"{DOCUMENTATION}:get_evidence_for": Entry(
        lambda s: (s.documented["evidence"].code,),
        lambda s: ("EV-NOSUCH",),
        _documenter,
        _outsider,
        lambda code: f"/documentation/evidence/{code}/",
    ),
    f"{DOCUMENTATION}:get_term_for": Entry(
        lambda s: (s.documented["term"].pk,),
        lambda s: (NO_NUMBER,),
        _admin,
        _outsider,
        lambda term: f"/documentation/terms/{term}/rename/",
    ),
    f"{DOCUMENTATION}:get_import_draft_for": Entry(
        lambda s: (s.import_draft.pk,),
        lambda s: (NOWHERE,),
        _documenter,
        lambda s: s.other_documenter,
        lambda draft: f"/documentation/import/{draft}/",
    ),
    # --- Intake ------------------------------------------------------------------------
    "safepassage.intake.views_staff:get_submission_for": Entry(
        lambda s: (s.submission.code,),
        lambda s: ("R-NOSUCH",),
        _coordinator,
        _caseworker,
        lambda code: f"/intake/{code}/",
    ),
    "safepassage.intake.views_staff:get_attachment_for": Entry(
        lambda s: (s.submission.code, s.submission.attachments.get().pk),
        lambda s: (s.submission.code, NO_NUMBER),
        _coordinator,
        _caseworker,
        lambda code, attachment: f"/intake/{code}/files/{attachment}/",
    ),
    # --- Analysis ----------------------------------------------------------------------
    "safepassage.analysis.access:get_run_for": Entry(
        lambda s: (s.run[0].pk, Perm.ANALYSE),
        lambda s: (NOWHERE, Perm.ANALYSE),
        _analyst,
        _outsider,
        lambda run, _perm: f"/analysis/runs/{run}/",
    ),
    "safepassage.analysis.access:get_estimate_for": Entry(
        lambda s: (s.run[1].pk,),
        lambda s: (NOWHERE,),
        _analyst,
        _outsider,
        lambda estimate: f"/analysis/estimates/{estimate}/",
    ),
    "safepassage.analysis.access:get_list_draft_for": Entry(
        lambda s: (s.list_draft.pk,),
        lambda s: (NOWHERE,),
        _analyst,
        lambda s: s.other_analyst,
        lambda draft: f"/analysis/import/{draft}/",
    ),
    "safepassage.analysis.access:get_count_for": Entry(
        lambda s: (s.count.pk,),
        lambda s: (NOWHERE,),
        _documenter,
        _outsider,
        lambda count: f"/analysis/counts/{count}/",
    ),
    # --- Accounts ----------------------------------------------------------------------
    "safepassage.accounts.access:get_team_for": Entry(
        lambda s: (s.org.team.pk,),
        lambda s: (NO_NUMBER,),
        _caseworker,
        _outsider,
        lambda team: f"/teams/{team}/",
    ),
    "safepassage.accounts.access:get_staff_for": Entry(
        lambda s: (s.org.caseworker.pk,),
        lambda s: (NO_NUMBER,),
        _coordinator,
        _caseworker,
        lambda staff: f"/staff/{staff}/",
    ),
}
