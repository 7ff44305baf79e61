from __future__ import annotations

import pytest

from safepassage.accounts.models import Team
from safepassage.accounts.roles import Role
from tests.base import Organisation, make_user


@pytest.fixture
def org(db: None) -> Organisation:
    team = Team.objects.create(name="Evacuation")
    other_team = Team.objects.create(name="Documentation")
    return Organisation(
        team=team,
        other_team=other_team,
        coordinator=make_user("coord", Role.COORDINATOR, teams=(team,)),
        caseworker=make_user("case", Role.CASEWORKER, teams=(team,)),
        outsider=make_user("outsider", Role.CASEWORKER, teams=(other_team,)),
        admin=make_user("admin", Role.ADMINISTRATOR),
        auditor=make_user("auditor", Role.AUDITOR),
    )
