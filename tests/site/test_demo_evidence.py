"""The demo's invented evidence: drawn photos with EXIF, working copies
made from them, a recorded tone, a web capture of an official's
denial and a ProofMode bundle whose signatures verify, each with a
custody history that checks out."""

from __future__ import annotations

import pytest

from safepassage.documentation import custody, statements
from safepassage.documentation.models import CustodyEntry, Evidence, EvidenceKind
from safepassage.site.demo_evidence import load_evidence
from safepassage.vault.keyring import using_keyring
from tests.documentation import conftest as documentation_desk
from tests.documentation.conftest import Desk, record_detention, term

desk = documentation_desk.desk


@pytest.mark.django_db
def test_it_fills_the_locker_with_invented_evidence_and_custody(desk: Desk) -> None:
    with using_keyring(desk.vault.keyring):
        events = [record_detention(desk.documenter, title=f"Event {n}").event for n in range(3)]
        statement = statements.record_statement(
            desk.documenter,
            speaker="A spokesman",
            quote="There are no such people here.",
            stance=term("stance", "L-DENIES"),
        )
        assert load_evidence(desk.documenter, events, statement) == 6
        originals = list(Evidence.objects.filter(original=None).opened("capture"))
        kinds = sorted(item.kind for item in originals)
        assert kinds == sorted(
            [EvidenceKind.IMAGE] * 3
            + [EvidenceKind.AUDIO, EvidenceKind.WEB_ARCHIVE, EvidenceKind.DOCUMENT]
        )
        photos = [item for item in originals if item.kind == EvidenceKind.IMAGE]
        assert all(item.capture.get("position") for item in photos)
        assert Evidence.objects.exclude(original=None).count() == 6
        capture = next(item for item in originals if item.kind == EvidenceKind.WEB_ARCHIVE)
        assert capture.capture["package"]["problems"] == []
        bundle = next(item for item in originals if item.capture.get("container") == "proofmode")
        assert bundle.capture["verified"] is True, bundle.capture["problems"]
        assert bundle.capture["media"][0]["proof"]["hardware"] == "DemoPhone Model 7"
        actions = set(CustodyEntry.objects.values_list("action", flat=True))
        assert {"uploaded", "linked", "derived", "derived_from", "downloaded"} <= actions
        for item, problem in custody.verify_all():
            assert problem is None, (item.code, problem)
