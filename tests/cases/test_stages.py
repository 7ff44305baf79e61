"""Stages: one transition table, one action that moves a case
(cases.stages.move_case). Every move in the table works with its
preconditions met; every move not in it is refused and changes nothing;
each guard (verification, acceptance, the lock, the role, the reason, the
version, a feature's REQUIREMENTS) refuses with what is missing."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
from django.utils import translation

from safepassage.accounts.models import User
from safepassage.audit.models import AuditEntry
from safepassage.cases import stages
from safepassage.cases.errors import Conflict, Refused
from safepassage.cases.models import Case, Stage, StageChange
from safepassage.vault.keyring import using_keyring
from tests.base import Organisation, Vault, keyring_of
from tests.cases.helpers import at_stage, open_household, person, verified, verifier

pytestmark = pytest.mark.django_db

MOVES = [
    (source, target, kind)
    for source, targets in stages.TRANSITIONS.items()
    for target, kind in targets.items()
    # Closing a case handed over needs a partner's acceptance
    # (test_a_case_closes_before_protection_only_when_a_partner_took_it,
    # tests/cases/test_referrals.py).
    if kind != stages.Kind.HANDOVER
]
NOT_MOVES = {
    source: [target for target in Stage.values if target not in stages.TRANSITIONS[source]]
    for source in Stage.values
}


@pytest.fixture
def own_requirements_only() -> Iterator[None]:
    """Only this module's preconditions: the feature modules' own guards
    (a stay, an approved application) are tested by their parts."""
    kept = stages.FEATURE_MODULES
    stages.FEATURE_MODULES = ()
    stages.requirements.cache_clear()
    yield
    stages.FEATURE_MODULES = kept
    stages.requirements.cache_clear()


def _case(org: Organisation) -> Case:
    case = open_household(org.coordinator, person("Aslan", handle="+7 928 111 22 33"))
    Case.objects.filter(pk=case.pk).update(team=org.team)
    case.refresh_from_db()
    return case


def _snapshot(case: Case) -> tuple[object, ...]:
    case.refresh_from_db()
    return (
        case.stage,
        case.version,
        case.stage_since,
        case.accepted_on,
        StageChange.objects.filter(case=case).count(),
        AuditEntry.objects.filter(action="case.moved").count(),
    )


def _move(case: Case, to: str, by: User, reason: str = "because", **kwargs: object) -> None:
    with using_keyring(keyring_of(by)):
        stages.move_case(case, to=to, by=by, reason=reason, **kwargs)  # type: ignore[arg-type]


def test_the_table_has_the_way_the_exits_and_reopening() -> None:
    assert stages.FLOW[0] == Stage.RECEIVED
    assert stages.FLOW[-1] == Stage.CLOSED
    for here, after in itertools.pairwise(stages.FLOW):
        assert stages.kind_of(here, after) == stages.Kind.FORWARD
    for stage in stages.ACTIVE:
        for exit_ in stages.SIDE_EXITS:
            assert stages.kind_of(stage, exit_) == stages.Kind.EXIT
    for stage in (*stages.SIDE_EXITS, Stage.CLOSED):
        assert stages.Kind.REOPEN in stages.TRANSITIONS[stage].values()
    assert stages.kind_of(Stage.CLOSED, Stage.DECLINED) is None
    assert stages.kind_of(Stage.RECEIVED, Stage.ACCEPTED) is None


@pytest.mark.usefixtures("own_requirements_only")
@pytest.mark.parametrize(("source", "target", "kind"), MOVES)
def test_it_makes_every_move_of_the_table(
    org: Organisation, vault: Vault, source: str, target: str, kind: str
) -> None:
    case = at_stage(_case(org), source)
    verified(case, org.coordinator)
    version = case.version
    _move(case, target, org.coordinator, version=version)
    case.refresh_from_db()
    assert case.stage == target
    assert case.version == version + 1
    change = StageChange.objects.get(case=case)
    assert (change.from_stage, change.to_stage, change.by) == (source, target, org.coordinator)
    with using_keyring(keyring_of(org.coordinator)):
        assert StageChange.objects.get(pk=change.pk).reason == "because"
    entry = AuditEntry.objects.get(action="case.moved")
    assert entry.details == {"stage": target, "from_stage": source}
    assert entry.target == f"case:{case.pk}"


@pytest.mark.usefixtures("own_requirements_only")
@pytest.mark.parametrize("source", Stage.values)
def test_it_refuses_every_move_not_in_the_table(
    org: Organisation, vault: Vault, source: str
) -> None:
    case = at_stage(_case(org), source)
    verified(case, org.coordinator)
    before = _snapshot(case)
    assert source in NOT_MOVES[source]  # staying put is no move
    for target in NOT_MOVES[source]:
        with pytest.raises(Refused) as refused:
            _move(case, target, org.coordinator)
        assert refused.value.problems == [
            f"A case cannot move from “{Stage(source).label}” to “{Stage(target).label}”."
        ]
        assert _snapshot(case) == before


def test_it_needs_a_finished_verification_to_verify_and_accept(
    org: Organisation, vault: Vault
) -> None:
    for source, target in [(Stage.SCREENING, Stage.VERIFIED), (Stage.VERIFIED, Stage.ACCEPTED)]:
        case = at_stage(_case(org), source)
        before = _snapshot(case)
        with pytest.raises(Refused) as refused:
            _move(case, target, org.coordinator)
        assert refused.value.problems == [
            "A verification must be finished with the outcome “verified”."
        ]
        assert _snapshot(case) == before


def test_a_verification_that_ended_otherwise_does_not_count(
    org: Organisation, vault: Vault
) -> None:
    case = at_stage(_case(org), Stage.VERIFIED)
    verified(case, org.coordinator)
    case.verifications.create(number=2, outcome="not_verified", finished_on=case.opened_on)
    with pytest.raises(Refused):
        _move(case, Stage.ACCEPTED, org.coordinator)


@pytest.mark.usefixtures("own_requirements_only")
def test_it_needs_acceptance_for_what_comes_after(org: Organisation, vault: Vault) -> None:
    """A case that left before it was accepted is screened again, not sent on."""
    case = at_stage(_case(org), Stage.LOST_CONTACT, accepted_on=None)
    for target in (Stage.IN_SAFE_HOUSE, Stage.DOCUMENTS):
        with pytest.raises(Refused) as refused:
            _move(case, target, org.coordinator)
        assert refused.value.problems == ["The case must have been accepted first."]
    _move(case, Stage.SCREENING, org.coordinator)
    assert case.stage == Stage.SCREENING


def test_acceptance_is_recorded_and_screening_again_undoes_it(
    org: Organisation, vault: Vault
) -> None:
    case = at_stage(_case(org), Stage.VERIFIED)
    verified(case, org.coordinator)
    _move(case, Stage.ACCEPTED, org.coordinator, reason="")
    assert case.accepted_on is not None
    at_stage(case, Stage.WITHDRAWN)
    _move(case, Stage.SCREENING, org.coordinator)
    case.refresh_from_db()
    assert case.accepted_on is None


def test_it_refuses_moves_a_role_may_not_make(org: Organisation, vault: Vault) -> None:
    checker = verifier(org, vault)
    case = at_stage(_case(org), Stage.VERIFIED)
    verified(case, org.coordinator)
    before = _snapshot(case)
    decide = "Only a coordinator may accept or decline a case, or reopen it."
    for user, target, says in [
        (org.caseworker, Stage.ACCEPTED, decide),
        (checker, Stage.ACCEPTED, decide),
        (org.caseworker, Stage.DECLINED, decide),
        (org.auditor, Stage.WITHDRAWN, "Your role does not let you work on cases."),
    ]:
        with pytest.raises(Refused) as refused:
            _move(case, target, user)
        assert refused.value.problems == [says]
    assert _snapshot(case) == before
    screening = at_stage(_case(org), Stage.SCREENING)
    verified(screening, org.coordinator)
    with pytest.raises(Refused) as refused:
        _move(screening, Stage.VERIFIED, org.caseworker)
    assert refused.value.problems == [
        "Only a verifier or a coordinator may record that a case is verified."
    ]
    _move(screening, Stage.VERIFIED, checker)
    assert screening.stage == Stage.VERIFIED
    lost = at_stage(_case(org), Stage.LOST_CONTACT)
    with pytest.raises(Refused) as refused:
        _move(lost, Stage.ACCEPTED, org.caseworker)
    assert refused.value.problems == [
        decide,
        "A verification must be finished with the outcome “verified”.",
    ]


def test_an_outsider_cannot_move_a_case_of_another_team(org: Organisation, vault: Vault) -> None:
    case = at_stage(_case(org), Stage.RECEIVED)
    before = _snapshot(case)
    with pytest.raises(Refused):
        _move(case, Stage.SCREENING, org.outsider)
    assert _snapshot(case) == before


def test_moves_off_the_way_forward_need_a_reason(org: Organisation, vault: Vault) -> None:
    case = at_stage(_case(org), Stage.SCREENING)
    before = _snapshot(case)
    for target in (Stage.WITHDRAWN, Stage.LOST_CONTACT):
        with pytest.raises(Refused) as refused:
            _move(case, target, org.coordinator, reason="  ")
        assert refused.value.problems == ["Say why: this move needs a reason."]
    assert _snapshot(case) == before
    _move(case, Stage.LOST_CONTACT, org.coordinator, reason="No answer for three weeks.")
    at_stage(case, Stage.DECLINED)
    with pytest.raises(Refused):
        _move(case, Stage.SCREENING, org.coordinator, reason="")


def test_a_locked_case_does_not_move(org: Organisation, vault: Vault) -> None:
    case = at_stage(_case(org), Stage.SCREENING, locked_on="2026-01-01")
    before = _snapshot(case)
    with pytest.raises(Refused) as refused:
        _move(case, Stage.DECLINED, org.coordinator)
    assert refused.value.problems == [
        "This case is locked after a suspicion of infiltration: a coordinator must unlock it first."
    ]
    assert _snapshot(case) == before
    assert stages.options(case, org.coordinator) == []


def test_a_move_from_an_old_form_changes_nothing(org: Organisation, vault: Vault) -> None:
    case = at_stage(_case(org), Stage.RECEIVED)
    shown = case.version
    _move(case, Stage.SCREENING, org.coordinator, version=shown)
    before = _snapshot(case)
    with pytest.raises(Conflict):
        _move(case, Stage.WITHDRAWN, org.coordinator, version=shown)
    assert _snapshot(case) == before


def test_it_collects_the_requirements_of_the_feature_modules(
    org: Organisation, vault: Vault, own_requirements_only: None
) -> None:
    stages.FEATURE_MODULES = ("tests.cases.feature_requirements", "tests.cases.not_there")
    stages.requirements.cache_clear()
    case = at_stage(_case(org), Stage.ACCEPTED)
    before = _snapshot(case)
    with pytest.raises(Refused) as refused:
        _move(case, Stage.IN_SAFE_HOUSE, org.coordinator)
    assert refused.value.problems == ["The household has no current stay in a safe house."]
    assert _snapshot(case) == before
    assert [
        o.missing for o in stages.options(case, org.coordinator) if o.to == "in_safe_house"
    ] == [["The household has no current stay in a safe house."]]
    assert "Before “in a safe house”: The household has no current stay in a safe house." in (
        stages.next_steps(case)
    )
    _move(case, Stage.DOCUMENTS, org.coordinator)
    assert case.stage == Stage.DOCUMENTS


def test_a_feature_module_that_fails_to_import_is_not_hidden(own_requirements_only: None) -> None:
    stages.FEATURE_MODULES = ("tests.cases.feature_broken",)
    stages.requirements.cache_clear()
    with pytest.raises(ModuleNotFoundError):
        stages.requirements()


def test_every_stage_says_what_comes_next_in_words(org: Organisation, vault: Vault) -> None:
    case = _case(org)
    for stage in Stage.values:
        at_stage(case, stage)
        for language in ("en", "ru", "fr"):
            with translation.override(language):
                steps = stages.next_steps(case)
                assert steps
                assert all(stage not in step for step in steps if "_" in stage)
    with translation.override("ru"):
        at_stage(case, Stage.RECEIVED)
        assert stages.next_steps(case)[0].startswith("Начните")


def test_the_options_follow_the_table_and_the_role(org: Organisation, vault: Vault) -> None:
    case = at_stage(_case(org), Stage.VERIFIED)
    coordinator = [(o.to, o.kind) for o in stages.options(case, org.coordinator)]
    assert coordinator[:2] == [(Stage.ACCEPTED, "forward"), (Stage.SCREENING, "back")]
    assert {to for to, kind in coordinator if kind == "exit"} == set(stages.SIDE_EXITS)
    caseworker = [o.to for o in stages.options(case, org.caseworker)]
    assert Stage.ACCEPTED not in caseworker
    assert Stage.DECLINED not in caseworker
    assert Stage.WITHDRAWN in caseworker


def test_cases_stuck_in_a_stage_are_overdue(org: Organisation, vault: Vault) -> None:
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    old = at_stage(_case(org), Stage.RECEIVED, stage_since=today - timedelta(days=10))
    fresh = at_stage(_case(org), Stage.RECEIVED, stage_since=today)
    closed = at_stage(_case(org), Stage.CLOSED, stage_since=today - timedelta(days=900))
    assert stages.is_overdue(old)
    assert not stages.is_overdue(fresh)
    assert not stages.is_overdue(closed)
    assert list(Case.objects.filter(stages.overdue())) == [old]


def test_a_case_closes_before_protection_only_when_a_partner_took_it(
    org: Organisation, vault: Vault
) -> None:
    case = at_stage(_case(org), Stage.DOCUMENTS)
    assert stages.kind_of(Stage.DOCUMENTS, Stage.CLOSED) == stages.Kind.HANDOVER
    assert Stage.CLOSED not in [o.to for o in stages.options(case, org.coordinator)]
    before = _snapshot(case)
    with pytest.raises(Refused) as refused:
        _move(case, Stage.CLOSED, org.coordinator)
    assert refused.value.problems == [
        "A case is closed once its people are protected, or once a partner "
        "organisation accepted its transfer."
    ]
    assert _snapshot(case) == before
