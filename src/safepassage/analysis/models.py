"""Victim lists from sources, stored sealed to the documentation compartment.

A list (a newspaper's, an NGO's testimonies, an international report) is
imported from CSV or XLSX through a column mapping kept with it; each row is
sealed as it is stored, and so is the list's name (it is typed freely and
could name a person: a witness, a journalist). Importing needs no keys; a
list is found again by a blind index of its name. Reading and linking need
the documentation compartment.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safepassage.jobs.models import Job
from safepassage.vault.fields import (
    BlindIndexField,
    EncryptedJSONField,
    EncryptedTextField,
    SealedModel,
)
from safepassage.vault.models import Compartment

# What a victim record can hold (our keys; a list maps its own columns onto
# them), and which of it the linkage uses: the list's own id of the record;
# a full name, or a surname, given name and patronymic; sex; a birth (a date,
# a year or an age) and an age with the date it refers to; the home place;
# the date of the events; the place of detention; what was done; notes.
FIELDS = (
    "id", "name", "surname", "given", "patronymic", "sex", "birth", "age", "age_date",
    "place", "event_date", "detention_place", "act", "notes",
)  # fmt: skip
NAME_FIELDS = ("name", "surname", "given", "patronymic")


# The longest name a list may have.
LIST_NAME_LENGTH = 120


class VictimList(SealedModel):
    # A source's name ("Novaya Gazeta, April 2017"), sealed: people type
    # what they like here, a witness's or a journalist's name included.
    name = EncryptedTextField(compartment=Compartment.DOCUMENTATION, public_writes=True)
    # Finds a list by its name without keys (an import adds to it); keyed
    # by the server's secret, case and spaces ignored.
    name_index = BlindIndexField(
        source="name", compartment=Compartment.DOCUMENTATION, server_keyed=True, unique=True
    )
    imported_on = models.DateField(default=timezone.localdate)
    # Our field -> the source's column title, reused by the next import.
    # Column titles ("ФИО", "Age") are the file's structure, not its data.
    mapping = models.JSONField(default=dict)
    # Made from our own documentation (analysis.handover), not imported.
    documentation_count = models.ForeignKey(
        "DocumentationCount",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lists",
    )
    # Where a counted list came from, so that pages name it in the reader's
    # language (analysis.list_labels): {"kind": "organisation" or
    # "connection", "source": the organisation's name or the connection's
    # term code, "scope", "number": the count's, "suffix": n or 0}. Sealed:
    # an organisation's name can be anything.
    origin = EncryptedJSONField(
        compartment=Compartment.DOCUMENTATION, public_writes=True, null=True, blank=True
    )

    class Meta:
        ordering = ["imported_on", "id"]

    def __str__(self) -> str:
        return f"list {str(self.pk)[:8]}"

    @property
    def label(self) -> str:
        """Its name on a page, in the reader's language (analysis.list_labels)."""
        if "_label" not in self.__dict__:
            from safepassage.analysis.list_labels import label_lists

            label_lists([self])
        return str(self.__dict__["_label"])

    @label.setter
    def label(self, value: str) -> None:
        self.__dict__["_label"] = value


# A new list's file left without its columns chosen is deleted after this long.
DRAFT_LIFETIME = dt.timedelta(hours=24)


class ListDraft(SealedModel):
    """A new list's file between its upload and the choice of its columns
    (analysis.list_drafts): its rows, sealed, for its uploader only."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    # The file's name as uploaded, and the source typed for it (either can
    # say what the list is about).
    file_name = EncryptedTextField(compartment=Compartment.DOCUMENTATION, public_writes=True)
    source = EncryptedTextField(compartment=Compartment.DOCUMENTATION, public_writes=True)
    # The file's rows as text, its header first.
    rows = EncryptedJSONField(compartment=Compartment.DOCUMENTATION, public_writes=True)
    # How many rows are below the header (to say so without opening them).
    size = models.PositiveIntegerField(default=0)
    # The columns as typed or guessed from the headings: the file's
    # structure, not its data (as VictimList.mapping).
    mapping = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"list draft {self.pk}"


class VictimRecord(SealedModel):
    victim_list = models.ForeignKey(VictimList, on_delete=models.CASCADE, related_name="records")
    row = models.PositiveIntegerField()
    data = EncryptedJSONField(compartment=Compartment.DOCUMENTATION, public_writes=True)
    # Find a record again without keys, so that a file imported twice, or
    # again after its bad rows were corrected, stores no row twice: the
    # list's own record id, and the whole row, each with the list's id
    # (importing.indexed sets `own_id` and `content`; "" for records
    # imported before these were kept).
    own_id_index = BlindIndexField(
        source="own_id", compartment=Compartment.DOCUMENTATION, server_keyed=True
    )
    content_index = BlindIndexField(
        source="content", compartment=Compartment.DOCUMENTATION, server_keyed=True
    )

    class Meta:
        ordering = ["victim_list", "row"]
        constraints = [
            models.UniqueConstraint(fields=["victim_list", "row"], name="one_record_per_row"),
            models.UniqueConstraint(
                fields=["victim_list", "own_id_index"],
                condition=~models.Q(own_id_index=""),
                name="one_record_per_own_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.victim_list_id}#{self.row}"


class CountScope(models.TextChoices):
    VERIFIED = "verified", _("Verified acts only")
    ALL = "all", _("Every act, verified and not verified counted apart")


class DocumentationCount(SealedModel):
    """One hand-over of the documentation to counting (analysis.handover):
    what was asked (period, act types, scope), by whom, and what it made:
    a list per source (VictimList.documentation_count) and the documented
    counts per category of the counting rules, verified and not verified
    apart. The counts are sealed like estimates: in a small period or
    place they can single people out."""

    number = models.PositiveIntegerField(unique=True)
    made_at = models.DateTimeField(default=timezone.now)
    made_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    period_from = models.DateField(null=True, blank=True)
    period_to = models.DateField(null=True, blank=True)
    # The act types chosen, by code ([]: every type).
    act_types = models.JSONField(default=list, blank=True)
    scope = models.CharField(max_length=10, choices=CountScope.choices)
    acts = models.PositiveIntegerField(default=0)
    records = models.PositiveIntegerField(default=0)
    # {"categories": [{"code", "unit", "verified", "corroborated", "reported"}],
    #  "lists": [{"id", "kind", "records", "verified"}], "not_listed": n,
    #  "unsourced": n, "restricted": n, "decisions": n}
    summary = EncryptedJSONField(
        compartment=Compartment.DOCUMENTATION, public_writes=True, null=True, blank=True
    )

    class Meta:
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"count {self.number}"


# What a linkage run or an estimate is doing, as its stage names it, in the
# reader's language (registered with their kinds of job: analysis/apps.py).
STAGES = {
    "preparing": _("preparing the records"),
    "loading": _("loading the records"),
    "training": _("learning how records agree"),
    "scoring": _("scoring pairs of records"),
    "clustering": _("grouping records into people"),
    "done": _("finishing"),
    "storing": _("storing the results"),
    "estimating": _("estimating"),
    "sampling": _("sampling the posterior"),
    "resampling": _("resampling"),
    "drawing clusterings": _("drawing clusterings"),
    "thresholds": _("trying other thresholds"),
    "comparing": _("comparing methods and thresholds"),
}


def _parent_link() -> models.OneToOneField[Job]:
    """A job's row in the jobs app: same id, and the id column kept (the
    sealed results are bound to it)."""
    return models.OneToOneField(
        Job,
        on_delete=models.CASCADE,
        parent_link=True,
        primary_key=True,
        db_column="id",
    )


class LinkageRun(Job):
    """One linkage of some lists into people, a background job (its
    progress, attempts and status in the jobs app's row). The scored pairs
    and clusters are sealed to documentation: they say which records are
    one person."""

    JOB_KIND = "analysis.linkage"

    job_ptr = _parent_link()

    lists = models.ManyToManyField(VictimList, related_name="runs")
    threshold = models.FloatField(default=0.5)
    # Pairs scored between these go to the review queue.
    review_low = models.FloatField(default=0.3)
    review_high = models.FloatField(default=0.9)
    reference_year = models.PositiveSmallIntegerField(default=2017)
    # The database it linked on ("duckdb", "spark"); "" for the configured one.
    backend = models.CharField(max_length=12, blank=True)
    records = models.PositiveIntegerField(default=0)
    people = models.PositiveIntegerField(default=0)
    trained = models.BooleanField(default=True)
    # {"ids": [record id per row], "lists": [list name per row],
    #  "pairs": [[row, row, probability]], "clusters": [cluster per row],
    #  "strata": {"place": [...], "period": [...], "act": [...]}}
    result = EncryptedJSONField(
        compartment=Compartment.DOCUMENTATION, public_writes=True, null=True, blank=True
    )

    def __str__(self) -> str:
        return f"run {str(self.pk)[:8]}"


class Same(models.TextChoices):
    SAME = "same", _("Same person")
    DIFFERENT = "different", _("Different people")


class LinkDecision(models.Model):
    """A documenter's word on whether two records are one person; every
    later run respects it."""

    # Ordered by primary key, so a pair has one row.
    first = models.ForeignKey(VictimRecord, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(VictimRecord, on_delete=models.CASCADE, related_name="+")
    decision = models.CharField(max_length=10, choices=Same.choices)
    decided_by = models.ForeignKey(
        "accounts.User", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="one_decision_per_pair")
        ]

    def __str__(self) -> str:
        return f"decision {self.pk}"


class EstimateMethod(models.TextChoices):
    AUTO = "auto", _("The most robust for the lists, the others beside it")
    LOGLINEAR = "loglinear", _("Log-linear models (lowest BIC)")
    BMA = "bma", _("Bayesian model averaging (decomposable graphs)")
    LATENT = "latent", _("Bayesian latent classes (LCMCR)")


class Estimate(Job):
    """An estimate of the total from a linkage run, with its uncertainty (a
    background job, as a run is)."""

    JOB_KIND = "analysis.estimate"

    job_ptr = _parent_link()

    run = models.ForeignKey(LinkageRun, on_delete=models.CASCADE, related_name="estimates")
    method = models.CharField(max_length=12, choices=EstimateMethod.choices)
    # Stratify by "", "place", "period" or "act".
    stratum = models.CharField(max_length=12, blank=True)
    resamples = models.PositiveIntegerField(default=0)
    # Alternative clusterings drawn from the match probabilities.
    linkage_draws = models.PositiveIntegerField(default=0)
    seed = models.PositiveIntegerField(default=1)
    # The latent-class sampler's length (the other methods ignore it).
    classes = models.PositiveSmallIntegerField(default=10)
    burn_in = models.PositiveIntegerField(default=10_000)
    samples = models.PositiveIntegerField(default=1_000)
    thinning = models.PositiveIntegerField(default=10)
    # Groups of the run's lists counted as one list (one copies another), by
    # the lists' ids: their names are sealed.
    joined = models.JSONField(default=list, blank=True)
    # {"lines": [...], "total": x, "low": x, "high": x, "draws": [...], ...}
    # Counts of people per list pattern can single people out in small
    # strata, so they are sealed too.
    result = EncryptedJSONField(
        compartment=Compartment.DOCUMENTATION, public_writes=True, null=True, blank=True
    )

    def __str__(self) -> str:
        return f"estimate {str(self.pk)[:8]}"
