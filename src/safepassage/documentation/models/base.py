"""What every documentation record has: a random id, a pseudonymous code,
a version for optimistic locking, who wrote it and when, and the versions
of the vocabularies it was written with; and the two ways records say when
and where (dates and places with their precision)."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from safepassage.documentation.precision import DatePrecision, FuzzyDate, Place, PlacePrecision
from safepassage.vault.fields import EncryptedTextField, SealedModel
from safepassage.vault.models import Compartment

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_code(prefix: str) -> str:
    """A pseudonymous code such as E-7K3M9Q: it says nothing of the record."""
    return f"{prefix}-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))


class Record(SealedModel):
    """Saved only through documentation.actions, which check ``version``:
    an edit made on an older version is refused rather than silently
    overwriting someone else's (optimistic locking)."""

    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The version of each vocabulary its terms were chosen from:
    # {"act_type": 3, "place": 1}.
    vocabularies = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True


class Dated(models.Model):
    """A start and an end, each a FuzzyDate, and the span they may cover
    (``period_from`` .. ``period_to``, for filters by period)."""

    start_on = models.DateField(null=True, blank=True)
    start_precision = models.CharField(
        max_length=16, choices=DatePrecision.choices, default=DatePrecision.UNKNOWN
    )
    end_on = models.DateField(null=True, blank=True)
    end_precision = models.CharField(
        max_length=16, choices=DatePrecision.choices, default=DatePrecision.UNKNOWN
    )
    period_from = models.DateField(null=True, blank=True, db_index=True)
    period_to = models.DateField(null=True, blank=True, db_index=True)

    class Meta:
        abstract = True

    @property
    def start(self) -> FuzzyDate:
        return FuzzyDate.from_db(self.start_precision, self.start_on)

    @start.setter
    def start(self, value: FuzzyDate) -> None:
        self.start_precision, self.start_on = value.to_db()
        self._set_period()

    @property
    def end(self) -> FuzzyDate:
        return FuzzyDate.from_db(self.end_precision, self.end_on)

    @end.setter
    def end(self, value: FuzzyDate) -> None:
        self.end_precision, self.end_on = value.to_db()
        self._set_period()

    def _set_period(self) -> None:
        start, end = self.start, self.end
        self.period_from = start.earliest or end.earliest
        self.period_to = end.latest or start.latest


# What a page selects with a record so its place reads without more
# queries (the places vocabulary has four levels).
PLACE_PATH = "place_area__parent__parent__parent"


class Placed(models.Model):
    """A Place: its area (a term of the places vocabulary, plaintext), its
    precision, and what is known beyond the area (encrypted)."""

    place_area = models.ForeignKey(
        "documentation.Term", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    place_precision = models.CharField(
        max_length=16, choices=PlacePrecision.choices, default=PlacePrecision.UNKNOWN
    )
    place_detail = EncryptedTextField(compartment=Compartment.DOCUMENTATION, null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def place(self) -> Place:
        return Place(PlacePrecision(self.place_precision), self.place_area, self.place_detail or "")

    @place.setter
    def place(self, value: Place) -> None:
        self.place_precision = str(value.precision)
        self.place_area = value.area
        self.place_detail = value.detail or None


def term_field(**kwargs: Any) -> models.ForeignKey:
    """A term of a vocabulary: protected, since terms are never deleted."""
    kwargs.setdefault("related_name", "+")
    return models.ForeignKey("documentation.Term", on_delete=models.PROTECT, **kwargs)
