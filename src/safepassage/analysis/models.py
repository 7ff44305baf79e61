"""Victim lists from sources, stored sealed to the documentation compartment.

A list (a newspaper's, an NGO's testimonies, an international report) is
imported from CSV or XLSX through a column mapping kept with it; each row is
sealed as it is stored. Importing needs no keys; reading and linking need the
documentation compartment.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from safepassage.vault.fields import EncryptedJSONField, SealedModel
from safepassage.vault.models import Compartment

# What a victim record can hold, and which of it the linkage uses.
FIELDS = ("name", "birth", "place", "event_date", "act", "notes")


class VictimList(SealedModel):
    # A source's name ("Novaya Gazeta, April 2017") names no victim.
    name = models.CharField(_("name"), max_length=120, unique=True)
    imported_on = models.DateField(default=timezone.localdate)
    # Our field -> the source's column title, reused by the next import.
    mapping = models.JSONField(default=dict)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class VictimRecord(SealedModel):
    victim_list = models.ForeignKey(VictimList, on_delete=models.CASCADE, related_name="records")
    row = models.PositiveIntegerField()
    data = EncryptedJSONField(compartment=Compartment.DOCUMENTATION, public_writes=True)

    class Meta:
        ordering = ["victim_list", "row"]
        constraints = [
            models.UniqueConstraint(fields=["victim_list", "row"], name="one_record_per_row")
        ]

    def __str__(self) -> str:
        return f"{self.victim_list_id}#{self.row}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    INTERRUPTED = "interrupted", _("Interrupted")


# What a job is doing, as its stage names it, in the reader's language.
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
}


class Job(SealedModel):
    """A long computation run in the background, with its progress.

    The worker writes a heartbeat while it runs; a job whose heartbeat has
    stopped (the server restarted, the vault was sealed) reads as
    interrupted and can be started again."""

    created = models.DateTimeField(default=timezone.now)
    started_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=12, choices=JobStatus.choices, default=JobStatus.QUEUED)
    stage = models.CharField(max_length=40, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)  # per cent
    heartbeat = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)
    # An exception class or a short reason; never data.
    error = models.CharField(max_length=200, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created"]

    @property
    def stage_label(self) -> str:
        return str(STAGES.get(self.stage, self.stage))


class LinkageRun(Job):
    """One linkage of some lists into people. The scored pairs and clusters
    are sealed to documentation: they say which records are one person."""

    lists = models.ManyToManyField(VictimList, related_name="runs")
    threshold = models.FloatField(default=0.5)
    # Pairs scored between these go to the review queue.
    review_low = models.FloatField(default=0.3)
    review_high = models.FloatField(default=0.9)
    reference_year = models.PositiveSmallIntegerField(default=2017)
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
    LOGLINEAR = "loglinear", _("Log-linear models (lowest BIC)")
    BMA = "bma", _("Bayesian model averaging (decomposable graphs)")
    LATENT = "latent", _("Bayesian latent classes (LCMCR)")


class Estimate(Job):
    """An estimate of the total from a linkage run, with its uncertainty."""

    run = models.ForeignKey(LinkageRun, on_delete=models.CASCADE, related_name="estimates")
    method = models.CharField(max_length=12, choices=EstimateMethod.choices)
    # Stratify by "", "place", "period" or "act".
    stratum = models.CharField(max_length=12, blank=True)
    resamples = models.PositiveIntegerField(default=0)
    # Alternative clusterings drawn from the match probabilities.
    linkage_draws = models.PositiveIntegerField(default=0)
    seed = models.PositiveIntegerField(default=1)
    # {"lines": [...], "total": x, "low": x, "high": x, "draws": [...], ...}
    # Counts of people per list pattern can single people out in small
    # strata, so they are sealed too.
    result = EncryptedJSONField(
        compartment=Compartment.DOCUMENTATION, public_writes=True, null=True, blank=True
    )

    def __str__(self) -> str:
        return f"estimate {str(self.pk)[:8]}"
