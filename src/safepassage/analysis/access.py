"""Who may read what in the analysis pages: one access function per
sensitive model, the same 404 for a record that does not exist and for a
person who may not read it. Everything that shows records, list names or
results needs the documentation compartment; importing needs only the
permission, as rows are sealed to the compartment's public key."""

from __future__ import annotations

import uuid

from django.utils import timezone

from safepassage.accounts.access import deny, require
from safepassage.accounts.models import User
from safepassage.accounts.roles import Perm
from safepassage.analysis.models import (
    DRAFT_LIFETIME,
    DocumentationCount,
    Estimate,
    LinkageRun,
    ListDraft,
)
from safepassage.vault.keyring import Keyring, current_keyring_or_none

ANALYSIS_PERMS = (Perm.IMPORT_LISTS, Perm.REVIEW_LINKS, Perm.ANALYSE)


def documentation_keys_or_none() -> Keyring | None:
    keyring = current_keyring_or_none()
    if keyring is None or not keyring.holds("documentation"):
        return None
    return keyring


def documentation_keys(user: User, perm: Perm) -> Keyring:
    require(user, perm)
    keyring = documentation_keys_or_none()
    if keyring is None:
        raise deny(user, "compartment", "compartment:documentation")
    return keyring


def require_any_analysis(user: User) -> None:
    if not user.is_active:
        raise deny(user, "analysis")
    if not any(user.can(perm) for perm in ANALYSIS_PERMS):
        raise deny(user, "analysis")


def get_run_for(user: User, run_id: uuid.UUID, perm: Perm) -> tuple[LinkageRun, Keyring]:
    """The one access function for runs."""
    keyring = documentation_keys(user, perm)
    run = LinkageRun.objects.filter(pk=run_id).first()
    if run is None:
        raise deny(user, "run", f"run:{run_id}")
    return run, keyring


def get_estimate_for(user: User, estimate_id: uuid.UUID) -> tuple[Estimate, Keyring]:
    """The one access function for estimates (analysts with the keys)."""
    keyring = documentation_keys(user, Perm.ANALYSE)
    entry = Estimate.objects.select_related("run").filter(pk=estimate_id).first()
    if entry is None:
        raise deny(user, "estimate", f"estimate:{estimate_id}")
    return entry, keyring


def get_count_for(user: User, count_id: uuid.UUID) -> DocumentationCount:
    """The one access function for counts from the documentation: anyone
    in analysis who holds the documentation keys (the lists it made are
    theirs to link)."""
    require_any_analysis(user)
    if documentation_keys_or_none() is None:
        raise deny(user, "compartment", "compartment:documentation")
    found = DocumentationCount.objects.filter(pk=count_id).first()
    if found is None:
        raise deny(user, "count", f"count:{count_id}")
    return found


def get_list_draft_for(user: User, draft_id: uuid.UUID) -> ListDraft:
    """A new list's file waiting for its columns is its uploader's alone."""
    documentation_keys(user, Perm.IMPORT_LISTS)
    # (One left longer than a day is gone, swept or not yet.)
    fresh = ListDraft.objects.filter(created_at__gte=timezone.now() - DRAFT_LIFETIME)
    draft = fresh.filter(pk=draft_id).first()
    if draft is None:
        raise deny(user, "import", "import:unknown")
    if draft.created_by_id != user.pk:
        raise deny(user, "import", f"import:{draft.pk}")
    return draft
