"""Roles and what each may do.

Permissions come from roles only; need-to-know within a role comes from
team membership (and, for data, from vault compartments). The table below
is the whole policy: read it to know who can do what.
"""

from __future__ import annotations

from enum import StrEnum

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    CASEWORKER = "caseworker", _("Caseworker")
    VERIFIER = "verifier", _("Verifier")
    DOCUMENTER = "documenter", _("Documenter")
    ANALYST = "analyst", _("Analyst")
    KEY_CUSTODIAN = "key_custodian", _("Key custodian")
    AUDITOR = "auditor", _("Auditor")
    ADMINISTRATOR = "administrator", _("Administrator")


class Perm(StrEnum):
    # Staff accounts, roles and teams.
    MANAGE_STAFF = "staff.manage"
    VIEW_STAFF = "staff.view"
    MANAGE_TEAMS = "teams.manage"
    # See every team's page, not only one's own.
    VIEW_ALL_TEAMS = "teams.view_all"
    # Read the audit log and its verification status.
    VIEW_AUDIT_LOG = "audit.view"
    # Seal the vault: end every session and drop every key.
    SEAL_VAULT = "vault.seal"
    # Grant and revoke compartments (only those one holds: cryptography decides).
    MANAGE_COMPARTMENTS = "vault.manage"
    # Work the intake inbox (reading also needs the intake compartment).
    TRIAGE_REQUESTS = "intake.triage"
    # Add and change the questions of the public request form.
    MANAGE_FORM = "intake.form"
    # See cases (reading their fields also needs the compartments).
    VIEW_CASES = "cases.view"
    # Import victim lists from sources (reading them needs documentation).
    IMPORT_LISTS = "analysis.import"
    # Decide whether two victim records are one person (the review queue).
    REVIEW_LINKS = "analysis.review"
    # Run linkage and estimates, and read their results.
    ANALYSE = "analysis.run"
    # Read the documentation: events, acts, people, sources, statements and
    # commitments (reading their fields also needs the documentation
    # compartment; an event restricted to some people needs being one of them).
    VIEW_DOCUMENTATION = "documentation.view"
    # Record and edit them.
    RECORD_DOCUMENTATION = "documentation.record"
    # Add, rename and retire the terms of the controlled vocabularies.
    MANAGE_VOCABULARIES = "documentation.vocabularies"
    # Casework (the workflow of a case): move a case along its stages and
    # change its assignee, risk and flags.
    WORK_CASES = "cases.work"
    # Record the checks of a verification and its outcome; read the identity
    # of cases not yet accepted (with identity's keys).
    VERIFY_CASES = "cases.verify"
    # Accept or decline a case, reopen it, give it to a team, unlock it.
    DECIDE_CASES = "cases.decide"
    # Safe houses (cases.safehouses, cases.stays). Seeing the houses shows
    # labels and occupancy; an address also needs the house's clearance
    # and the identity compartment.
    VIEW_SAFE_HOUSES = "safehouses.view"
    # Add houses, change them and say who is cleared to know where each is.
    MANAGE_SAFE_HOUSES = "safehouses.manage"
    # Place a case in a house, record arrivals and departures (a case of
    # one's own team; every case for those who also manage houses).
    PLACE_IN_SAFE_HOUSES = "safehouses.place"
    # Place people in a house beyond its beds, with a reason.
    OVERRIDE_CAPACITY = "safehouses.override_capacity"
    # Travel: keep the hosts and their pathways (reference data).
    MANAGE_HOSTS = "hosts.manage"
    # Consent, referrals and transfers (cases/consent.py, cases/referrals.py).
    # Record and withdraw what a person of a case agreed to.
    RECORD_CONSENT = "cases.consent"
    # Refer or transfer a case to a partner organisation (its consent checked),
    # download the bundle, record the partner's answer to a transfer.
    SHARE_CASES = "cases.share"
    # Share although a person's consent is missing, with a written reason.
    OVERRIDE_CONSENT = "cases.override_consent"
    # Open a bundle a partner organisation sent, as a new case.
    IMPORT_BUNDLES = "cases.import"
    # Add and change partner organisations and their keys.
    MANAGE_PARTNERS = "cases.partners"
    # See who read a case's identity, and who was refused it (the audit log's
    # reads of one case, cases/viewers.py).
    VIEW_CASE_READS = "cases.view_reads"
    # Notes, tasks and deadlines (cases/notes.py, cases/tasks.py). Write a
    # note on a case one sees, and change one's own (reading and writing
    # the text also needs the casework compartment).
    WRITE_NOTES = "cases.notes"
    # Give a task with a due date to someone who sees the case, change it,
    # mark it (or a reminder computed from dates) done.
    ASSIGN_TASKS = "cases.tasks"
    # The dashboard's cards (cases/dashboard.py), one permission each; each
    # card counts only the cases its reader sees.
    CARD_UNOWNED_URGENT = "dashboard.unowned_urgent"
    CARD_TASKS = "dashboard.tasks"
    CARD_STUCK = "dashboard.stuck"
    CARD_OCCUPANCY = "dashboard.occupancy"
    CARD_FUNNEL = "dashboard.funnel"
    CARD_TIME_IN_STAGE = "dashboard.time_in_stage"


ROLE_PERMISSIONS: dict[Role, frozenset[Perm]] = {
    Role.COORDINATOR: frozenset(
        {
            Perm.VIEW_STAFF,
            Perm.MANAGE_TEAMS,
            Perm.VIEW_ALL_TEAMS,
            Perm.SEAL_VAULT,
            Perm.MANAGE_COMPARTMENTS,
            Perm.TRIAGE_REQUESTS,
            Perm.VIEW_CASES,
            Perm.MANAGE_HOSTS,  # travel
        }
        # Casework.
        | {Perm.WORK_CASES, Perm.VERIFY_CASES, Perm.DECIDE_CASES}
        # Safe houses.
        | {
            Perm.VIEW_SAFE_HOUSES,
            Perm.MANAGE_SAFE_HOUSES,
            Perm.PLACE_IN_SAFE_HOUSES,
            Perm.OVERRIDE_CAPACITY,
        }
        # Consent, referrals and transfers.
        | {Perm.RECORD_CONSENT, Perm.SHARE_CASES, Perm.OVERRIDE_CONSENT, Perm.IMPORT_BUNDLES}
        # Who viewed a case.
        | {Perm.VIEW_CASE_READS}
        # Notes and tasks.
        | {Perm.WRITE_NOTES, Perm.ASSIGN_TASKS}
        # The dashboard: every card.
        | {
            Perm.CARD_UNOWNED_URGENT,
            Perm.CARD_TASKS,
            Perm.CARD_STUCK,
            Perm.CARD_OCCUPANCY,
            Perm.CARD_FUNNEL,
            Perm.CARD_TIME_IN_STAGE,
        }
    ),
    Role.CASEWORKER: frozenset(
        {Perm.VIEW_CASES}
        # Casework.
        | {Perm.WORK_CASES}
        # Safe houses.
        | {Perm.VIEW_SAFE_HOUSES, Perm.PLACE_IN_SAFE_HOUSES}
        # Consent.
        | {Perm.RECORD_CONSENT}
        # Notes and tasks.
        | {Perm.WRITE_NOTES, Perm.ASSIGN_TASKS}
        # The dashboard: the work waiting for them and their team, and beds.
        | {Perm.CARD_UNOWNED_URGENT, Perm.CARD_TASKS, Perm.CARD_STUCK, Perm.CARD_OCCUPANCY}
    ),
    Role.VERIFIER: frozenset(
        {Perm.TRIAGE_REQUESTS, Perm.VIEW_CASES}
        # Casework.
        | {Perm.WORK_CASES, Perm.VERIFY_CASES}
        # Notes and tasks.
        | {Perm.WRITE_NOTES, Perm.ASSIGN_TASKS}
        # The dashboard: the work waiting for them and their team.
        | {Perm.CARD_UNOWNED_URGENT, Perm.CARD_TASKS, Perm.CARD_STUCK}
    ),
    Role.DOCUMENTER: frozenset(
        {Perm.IMPORT_LISTS, Perm.REVIEW_LINKS}
        # Documentation.
        | {Perm.VIEW_DOCUMENTATION, Perm.RECORD_DOCUMENTATION}
    ),
    Role.ANALYST: frozenset({Perm.IMPORT_LISTS, Perm.REVIEW_LINKS, Perm.ANALYSE}),
    Role.KEY_CUSTODIAN: frozenset(),
    Role.AUDITOR: frozenset({Perm.VIEW_AUDIT_LOG, Perm.VIEW_STAFF, Perm.VIEW_ALL_TEAMS}),
    Role.ADMINISTRATOR: frozenset(
        {
            Perm.MANAGE_STAFF,
            Perm.VIEW_STAFF,
            Perm.MANAGE_TEAMS,
            Perm.VIEW_ALL_TEAMS,
            Perm.SEAL_VAULT,
            Perm.MANAGE_COMPARTMENTS,
            Perm.MANAGE_FORM,
            Perm.MANAGE_HOSTS,  # travel
            Perm.MANAGE_PARTNERS,
        }
        # Documentation.
        | {Perm.MANAGE_VOCABULARIES}
    ),
}


def permissions_for(roles: set[str]) -> frozenset[Perm]:
    granted: set[Perm] = set()
    for role in roles:
        granted |= ROLE_PERMISSIONS[Role(role)]
    return frozenset(granted)
