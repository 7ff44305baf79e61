"""Events, the acts within them and who took part in each act, after the
HURIDOCS Events Standard Formats.

What is plaintext here, and why (docs/documentation.md says it for every
model): codes, dates and their precision, statuses, vocabulary terms and
the area of a place, so that lists can be filtered and counted without
opening anything. What names, locates or describes a person, and every
free text (titles and descriptions can name people), is encrypted to the
documentation compartment.
"""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from safepassage.accounts.models import Team
from safepassage.documentation.models.base import Dated, Placed, Record, new_code, term_field
from safepassage.vault.fields import BlindIndexField, EncryptedTextField
from safepassage.vault.models import Compartment

DOCUMENTATION = Compartment.DOCUMENTATION


class ViolationStatus(models.TextChoices):
    """Whether the event was a violation (ESF micro-thesaurus 41)."""

    CONFIRMED = "confirmed", _("confirmed as a violation")
    LIKELY = "likely", _("likely")
    POSSIBLE = "possible", _("possible")
    UNLIKELY = "unlikely", _("unlikely")
    NOT_A_VIOLATION = "not_a_violation", _("confirmed as not a violation")
    UNKNOWN = "unknown", _("unknown")


class MonitoringStatus(models.TextChoices):
    """Whether the organisation is still following the event (ESF 43)."""

    ACTIVE = "active", _("followed")
    PENDING = "pending", _("waiting for information")
    CLOSED = "closed", _("no longer followed")


class Confidentiality(models.TextChoices):
    COMPARTMENT = "compartment", _("everyone who documents")
    RESTRICTED = "restricted", _("only the teams and people named")


class Verification(models.TextChoices):
    """How far an act is established: counted apart from each other."""

    REPORTED = "reported", _("reported")
    CORROBORATED = "corroborated", _("corroborated")
    VERIFIED = "verified", _("verified")


class Event(Record, Dated, Placed):
    code = models.CharField(max_length=12, unique=True, default=partial(new_code, "E"))
    title = EncryptedTextField(compartment=DOCUMENTATION)
    description = EncryptedTextField(compartment=DOCUMENTATION, null=True, blank=True)
    violation_status = models.CharField(
        max_length=16, choices=ViolationStatus.choices, default=ViolationStatus.UNKNOWN
    )
    monitoring_status = models.CharField(
        max_length=16, choices=MonitoringStatus.choices, default=MonitoringStatus.ACTIVE
    )
    # Beyond the compartment: "restricted" events are seen only by the
    # person who recorded them and the teams and people they are shared with.
    confidentiality = models.CharField(
        max_length=16, choices=Confidentiality.choices, default=Confidentiality.COMPARTMENT
    )
    # Whether an act was ever recorded in it (set as the first is:
    # actions.create; acts are never deleted, only with their event), so
    # the timeline's "recorded with no act yet" reads the few such events
    # from their own index, not every event against every act.
    has_acts = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["-period_from", "code"]
        verbose_name = _("event")
        indexes = [
            models.Index(fields=["id"], condition=Q(has_acts=False), name="event_without_acts"),
            # Which events a reader may see (access.visible_events: the
            # confidentiality, who recorded it), read from the index alone:
            # the timeline's "recorded with no act yet" walks every visible
            # event, and in the index's order its look-ups of acts by event
            # follow each other (bench/README.md: 75 ms to 20 at 50,000
            # events on SQLite, which read the wide rows of sealed columns).
            models.Index(
                fields=["confidentiality", "created_by", "id"], name="event_seen_for_lists"
            ),
            # The event list's order (search.newest_first), with what a
            # reader's visibility asks and the id: a page deep in the list
            # is read from this index alone (bench/README.md: page 200 of
            # 50,000 events sorted every event, 44 ms on PostgreSQL).
            models.Index(
                fields=["-period_from", "code", "confidentiality", "created_by", "id"],
                name="event_newest_first",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def restricted(self) -> bool:
        return self.confidentiality == Confidentiality.RESTRICTED


class EventShare(models.Model):
    """A restricted event shown to a team or to one person."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="shares")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(team__isnull=True, user__isnull=False)
                | models.Q(team__isnull=False, user__isnull=True),
                name="share_with_a_team_or_a_person",
            ),
            models.UniqueConstraint(fields=["event", "team"], name="one_share_per_team"),
            models.UniqueConstraint(fields=["event", "user"], name="one_share_per_person"),
        ]

    def __str__(self) -> str:
        return f"share of {self.event_id}"


class EventLink(models.Model):
    """A chain of events: this detention led to that disappearance (ESF 22)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="links")
    related = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="linked_from")
    kind = term_field()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["event", "related"], name="one_link_per_pair"),
            models.CheckConstraint(
                condition=~models.Q(event=models.F("related")), name="no_event_links_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_id} -> {self.related_id}"


class Act(Record, Dated, Placed):
    """One act against one victim (a person or a group) within an event."""

    code = models.CharField(max_length=12, unique=True, default=partial(new_code, "A"))
    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="acts")
    victim = models.ForeignKey(
        "documentation.Person", on_delete=models.PROTECT, related_name="acts"
    )
    act_type = term_field()
    # How it was done, the reason the perpetrators gave, what it did to the victim.
    method = EncryptedTextField(compartment=DOCUMENTATION, null=True, blank=True)
    stated_reason = EncryptedTextField(compartment=DOCUMENTATION, null=True, blank=True)
    consequences = EncryptedTextField(compartment=DOCUMENTATION, null=True, blank=True)
    # The victim's status at the end of the act (ESF 25): dead, missing, released...
    victim_status = term_field(null=True, blank=True)
    verification = models.CharField(
        max_length=16, choices=Verification.choices, default=Verification.REPORTED, db_index=True
    )
    verified_on = models.DateField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["event", "period_from", "code"]
        verbose_name = _("act")
        indexes = [
            # The event list's filters ask which events have an act of
            # these types (how far established), or in these places: the
            # answer is read from the index alone (bench/documentation_pages.py).
            models.Index(
                fields=["act_type", "verification", "event", "id"], name="act_type_for_lists"
            ),
            models.Index(fields=["place_area", "event"], name="act_place_for_lists"),
        ]

    def __str__(self) -> str:
        return self.code


class Involvement(Record):
    """A perpetrator's part in an act: who, how (the degree), as what (the
    perpetrator type), in which unit and with which rank."""

    act = models.ForeignKey(Act, on_delete=models.CASCADE, related_name="involvements")
    # None when only the kind of perpetrator is known ("police officers").
    perpetrator = models.ForeignKey(
        "documentation.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="involvements",
        db_index=False,  # (the partial index below)
    )
    degree = term_field()
    perpetrator_type = term_field()
    unit = EncryptedTextField(compartment=DOCUMENTATION, null=True, blank=True)
    # Finds the acts of one unit without opening every row.
    unit_index = BlindIndexField(source="unit", compartment=DOCUMENTATION)
    rank = EncryptedTextField(compartment=DOCUMENTATION, null=True, blank=True)

    class Meta:
        ordering = ["act", "created_at"]
        verbose_name = _("involvement")
        indexes = [
            # "Acts by these kinds of perpetrator", from the index alone.
            models.Index(fields=["act", "perpetrator_type"], name="involvement_for_lists"),
            # A person's part as a perpetrator. Most involvements name no one
            # (only "police officers"): an index of every row would count
            # those as one value held by most rows, and SQLite's planner,
            # reading that count, would then read every involvement rather
            # than the few of one person.
            models.Index(
                fields=["perpetrator"],
                condition=models.Q(perpetrator__isnull=False),
                name="involvement_by_perpetrator",
            ),
        ]

    def __str__(self) -> str:
        return f"involvement in {self.act_id}"
