"""What a request for help says: the one shape of the answers that the
public form writes (forms.RequestForm.payload), actions.receive_request
seals, and every page of intake reads (Submission.payload holds one).

Requests stored by earlier versions hold the same fields as a JSON object;
they are read tolerantly (cases.opening.read_stored): a missing or
unreadable field takes its default.
"""

from __future__ import annotations

from typing import Any

import msgspec

from safepassage.cases.opening import Answer, Contact, Identity, Location, Opening, read_stored

# At most this many other people travel with a person (the form's limit).
MAX_HOUSEHOLD = 20


class RequestContact(msgspec.Struct, frozen=True):
    kind: str = ""  # a contact method of the form (forms.CONTACT_METHODS)
    handle: str = ""


class RequestLocation(msgspec.Struct, frozen=True):
    area: str = ""  # a region's key (intake.regions), "unsaid", or "" when skipped
    place: str = ""


class RequestHousehold(msgspec.Struct, frozen=True):
    count: int = 0
    notes: str = ""


class RequestPayload(msgspec.Struct, kw_only=True):
    lang: str = ""
    name: str = ""
    happened: str = ""
    help: str = ""
    situation: list[str] = []  # keys of forms.SITUATIONS
    urgency_level: int = 0  # models.Urgency
    contacts: list[RequestContact] = []
    no_contact: bool = False
    location: RequestLocation = RequestLocation()
    household: RequestHousehold = RequestHousehold()
    answers: dict[str, str] = {}  # added question's key -> answer (options in English)

    def handles(self) -> list[str]:
        return [contact.handle.strip() for contact in self.contacts if contact.handle.strip()]

    def story(self) -> str:
        return f"{self.happened} {self.help}"

    def opening(self, source: str, urgency: int) -> Opening:
        """The case this request opens: who the person is (and how many
        travel with them) for identity, what happened and every other
        answer for casework."""
        principal = Identity(
            name=self.name,
            contacts=[Contact(c.kind, c.handle) for c in self.contacts],
            no_contact=self.no_contact,
            location=Location(self.location.area, self.location.place),
        )
        others = max(0, min(self.household.count, MAX_HOUSEHOLD))
        answers = []
        if self.lang:
            answers.append(Answer(QUESTION_LANGUAGE, [self.lang]))
        if self.situation:
            answers.append(Answer(QUESTION_SITUATION, list(self.situation)))
        answers += [Answer(key, [value]) for key, value in self.answers.items()]
        return Opening(
            source=source,
            principal=principal,
            members=[Identity() for _ in range(others)],
            household_notes=self.household.notes,
            narrative=[text for text in (self.happened, self.help) if text.strip()],
            urgency=urgency,
            answers=answers,
        )


# The form's own questions, as the case page names them (labels.label):
# a dot never appears in the key of a question administrators add (a slug).
QUESTION_LANGUAGE = "request.language"
QUESTION_SITUATION = "request.situation"


def encode(payload: RequestPayload) -> bytes:
    if not isinstance(payload, RequestPayload):
        raise TypeError("a request's payload is a RequestPayload")
    return msgspec.json.encode(payload)


def decode(raw: Any) -> RequestPayload:
    """A stored payload (JSON bytes, or an object as earlier versions and
    the demo wrote it), read tolerantly."""
    if isinstance(raw, RequestPayload):
        return raw
    return read_stored(raw, RequestPayload)
