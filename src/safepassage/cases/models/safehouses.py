"""Safe houses and the stays of cases in them.

A safe house is known to most staff only by its label ("House 7"): where
it is, how to get there and how to reach its host are sealed to the
identity compartment and shown only to the staff (or teams) cleared for
that house (cases.access.may_know_location). Its region is sealed too,
unless the organisation chooses to show it to everyone who sees the
houses: it is then a plain column, and the sealed one is empty.

A stay is a case's household (some or all of its people) in one house
between dates. It names the house, never its address, so forgetting
where someone stayed is forgetting the link (stays.purge_stays). Dates,
the number of beds and whether capacity was overridden are plain (the
occupancy view counts them); notes and the reason of an override are
casework.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safepassage.accounts.models import Team
from safepassage.cases.models.core import Case, Person
from safepassage.vault.fields import EncryptedTextField, SealedModel
from safepassage.vault.models import Compartment

# The stored bytes of SafeHouse.region (vault.fields: the attribute of the
# ciphertext is the field's name, suffixed).
SEALED_REGION = "region_sealed"


class SafeHouse(SealedModel):
    # A name that locates nothing, shown to everyone who sees the houses.
    label = models.CharField(max_length=40, unique=True)
    # Beds.
    capacity = models.PositiveSmallIntegerField()
    active = models.BooleanField(default=True)
    # Where it is, for cleared staff only (identity).
    address = EncryptedTextField(compartment=Compartment.IDENTITY, null=True)
    directions = EncryptedTextField(compartment=Compartment.IDENTITY, null=True)
    host_contact = EncryptedTextField(compartment=Compartment.IDENTITY, null=True)
    # The region or city: sealed (identity) unless the organisation chose
    # to show it, then plain in ``region_shown`` (one of the two is empty).
    region = EncryptedTextField(compartment=Compartment.IDENTITY, null=True)
    region_shown = models.CharField(max_length=80, blank=True, default="")
    # How the house is run, what to know before placing someone (casework).
    notes = EncryptedTextField(compartment=Compartment.CASEWORK, null=True)
    # Who may know where it is (with identity's keys): these staff, and the
    # members of these teams.
    cleared_staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="cleared_safe_houses"
    )
    cleared_teams = models.ManyToManyField(Team, blank=True, related_name="cleared_safe_houses")
    # Optimistic lock: each change adds one; a change made on an older
    # version is refused.
    version = models.PositiveIntegerField(default=1)
    created_on = models.DateField(default=timezone.localdate)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-active", "label"]
        verbose_name = _("safe house")

    def __str__(self) -> str:
        return self.label

    @property
    def region_recorded(self) -> bool:
        """Whether a sealed region is stored (known without opening it)."""
        return getattr(self, SEALED_REGION) is not None


def occupied_until(
    arrived_on: date | None,
    planned_arrival: date,
    left_on: date | None,
    planned_departure: date | None,
    today: date,
) -> tuple[date, date | None]:
    """The nights a stay takes a bed: from its first day up to (not
    including) the day it ends, None for no end known. Someone who came
    and has not left by their planned departure is still there, for as
    long as nobody knows (counted so, the house is never overbooked); a
    stay of one day takes that day."""
    start = arrived_on or planned_arrival
    end = left_on or planned_departure
    if left_on is None and arrived_on is not None and end is not None and end <= today:
        end = None
    if end is not None and end <= start:
        end = start + timedelta(days=1)
    return start, end


class Stay(SealedModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="stays")
    # None once purged (stays.purge_stays): where they stayed is forgotten.
    house = models.ForeignKey(
        SafeHouse, null=True, blank=True, on_delete=models.PROTECT, related_name="stays"
    )
    # Who of the household stays (emptied by the purge; ``beds`` remains).
    people = models.ManyToManyField(Person, blank=True, related_name="stays")
    beds = models.PositiveSmallIntegerField()
    planned_arrival = models.DateField()
    arrived_on = models.DateField(null=True, blank=True)
    planned_departure = models.DateField(null=True, blank=True)
    left_on = models.DateField(null=True, blank=True)
    # Planned and never begun: takes no bed.
    cancelled = models.BooleanField(default=False)
    # The stay this one continues, when the household moved between houses.
    moved_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="moved_to",
        db_index=False,  # "stay_moved_from" below, of the stays that have one
    )
    # Placed beyond the house's beds by someone allowed to (the reason is sealed).
    over_capacity = models.BooleanField(default=False)
    override_reason = EncryptedTextField(compartment=Compartment.CASEWORK, null=True)
    notes = EncryptedTextField(compartment=Compartment.CASEWORK, null=True)
    version = models.PositiveIntegerField(default=1)
    placed_on = models.DateField(default=timezone.localdate)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    purged_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["planned_arrival", "placed_on", "id"]
        verbose_name = _("stay")
        constraints = [
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(arrived_on__isnull=False),
                name="stay_left_after_arriving",
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=F("arrived_on")),
                name="stay_left_not_before_arrival",
            ),
            models.CheckConstraint(
                condition=Q(planned_departure__isnull=True)
                | Q(planned_departure__gte=F("planned_arrival")),
                name="stay_planned_departure_not_before_arrival",
            ),
            models.CheckConstraint(condition=Q(beds__gte=1), name="stay_takes_a_bed"),
        ]
        indexes = [
            models.Index(fields=["cancelled", "left_on"], name="stay_open"),
            # A house's stays not over by a day (occupancy): found among its
            # stays of years past without reading them.
            models.Index(fields=["house", "left_on"], name="stay_house_left"),
            # The stays that continue a stay (a case's page shows each
            # stay's moves). Only those: over every stay, most with none,
            # SQLite's statistics made an index look useless (one value,
            # NULL), and each case page read every stay.
            models.Index(
                fields=["moved_from"],
                name="stay_moved_from",
                condition=Q(moved_from__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"stay {self.pk}"

    def span(self, today: date | None = None) -> tuple[date, date | None]:
        return occupied_until(
            self.arrived_on,
            self.planned_arrival,
            self.left_on,
            self.planned_departure,
            today or timezone.localdate(),
        )

    @property
    def current(self) -> bool:
        """The household is in the house now."""
        return not self.cancelled and self.arrived_on is not None and self.left_on is None

    @property
    def planned(self) -> bool:
        """Placed, not yet arrived."""
        return not self.cancelled and self.arrived_on is None

    @property
    def ended(self) -> bool:
        return self.cancelled or self.left_on is not None


def stay_date_problems(
    *,
    planned_arrival: date | None,
    arrived_on: date | None,
    planned_departure: date | None,
    left_on: date | None,
    today: date,
) -> dict[str, str]:
    """What is wrong with a stay's dates, by field, in the reader's
    language (empty: nothing). The one rule forms and actions both apply."""
    problems: dict[str, str] = {}
    if planned_arrival and planned_departure and planned_departure < planned_arrival:
        problems["planned_departure"] = str(
            _("The planned departure is before the planned arrival.")
        )
    if arrived_on is not None and arrived_on > today:
        problems["arrived_on"] = str(
            _("An arrival is recorded once it has happened: this date is in the future.")
        )
    if left_on is not None:
        if arrived_on is None:
            problems["left_on"] = str(_("A departure needs an arrival: record the arrival first."))
        elif left_on < arrived_on:
            problems["left_on"] = str(_("The departure is before the arrival."))
        elif left_on > today:
            problems["left_on"] = str(
                _("A departure is recorded once it has happened: this date is in the future.")
            )
    return problems
