"""The demo hands one consenting demo person's testimony over to the
documentation: a pseudonymous victim of a demo event, whose evidence the
dossier then hands over as originals, since everyone it concerns agreed;
the evidence of an event whose victims did not agree stays back."""

from __future__ import annotations

import pytest

from safepassage.cases.models import ConsentKind, HandedOverTestimony
from safepassage.documentation import dossiers, evidence
from safepassage.documentation.models import Person, PersonConsent
from safepassage.site import demo_testimony
from safepassage.vault import files
from safepassage.vault.keyring import using_keyring
from tests.cases.sharing import household
from tests.documentation import conftest as documentation_desk
from tests.documentation.conftest import Desk, record_detention
from tests.documentation.evidence_files import photo_with_exif

desk = documentation_desk.desk


@pytest.mark.django_db
def test_the_demo_hands_one_persons_testimony_over(desk: Desk) -> None:
    case = household(desk.org)
    with using_keyring(desk.vault.keyring):
        events = [record_detention(desk.documenter, title=f"Event {n}").event for n in range(2)]
        items = []
        for event in events:
            staged = files.stage_bytes(photo_with_exif(), name="p.jpg", content_type="image/jpeg")
            items.append(evidence.add_evidence(desk.documenter, staged, target=event))
        code = demo_testimony.load(desk.org.coordinator, desk.documenter, events)
        assert code is not None
        # Loaded once only.
        assert demo_testimony.load(desk.org.coordinator, desk.documenter, events) is None
        handover = HandedOverTestimony.objects.get()
        assert handover.person == case.people.get(position=0)
        assert handover.consent is not None
        assert handover.consent.kind == ConsentKind.TESTIMONY
        victim = Person.objects.get(code=code)
        assert victim.acts.get().event == events[0]
        assert PersonConsent.objects.get(person=victim).origin == "casework"
        parts = dossiers.plan(items, dossiers.ORIGINALS)
    shipped = {part.item.pk: part.ships for part in parts}
    assert shipped[items[0].pk] is True
    assert shipped[items[1].pk] is False
