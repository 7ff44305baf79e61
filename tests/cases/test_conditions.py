"""A condition on cases asked of the records of a case, through the join."""

from __future__ import annotations

import pytest
from django.db.models import Exists, F, OuterRef, Q

from safepassage.cases.conditions import through
from safepassage.cases.models import Case, Task
from tests.base import Organisation, Vault
from tests.cases.work_helpers import give_task, team_case


def test_it_moves_each_lookup_onto_the_records_case() -> None:
    rule = Q(team_id__in=[1, 2]) | Q(team=None, opened_by_id=3)
    moved = through(rule & Q(stage="received"))
    assert moved == (
        (Q(case__team_id__in=[1, 2]) | Q(case__team=None, case__opened_by_id=3))
        & Q(case__stage="received")
    )
    assert through(~Q(stage="closed"), "journey__case") == ~Q(journey__case__stage="closed")
    assert through(Q()) == Q()


def test_it_refuses_what_it_would_move_wrongly() -> None:
    for expression in (Q(stage=F("from_stage")), Q(Exists(Case.objects.filter(pk=OuterRef("pk"))))):
        with pytest.raises(TypeError):
            through(expression)


@pytest.mark.django_db
def test_a_condition_asked_through_the_case_selects_the_same_records(
    org: Organisation, vault: Vault
) -> None:
    ours, theirs = team_case(org), team_case(org)
    Case.objects.filter(pk=theirs.pk).update(team=org.other_team)
    give_task(org.coordinator, ours, "Call the embassy")
    give_task(org.coordinator, theirs, "Book the tickets")
    rule = Q(team_id__in=[org.team.pk])
    joined = set(Task.objects.filter(through(rule)).values_list("case_id", flat=True))
    listed = set(
        Task.objects.filter(case__in=Case.objects.filter(rule)).values_list("case_id", flat=True)
    )
    assert joined == listed == {ours.pk}
    chosen = Q(pk__in=Case.objects.filter(rule).values("pk"))
    assert set(Task.objects.filter(through(chosen)).values_list("case_id", flat=True)) == {ours.pk}
