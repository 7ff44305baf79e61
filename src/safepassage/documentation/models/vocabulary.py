"""Controlled vocabularies: versioned data, never code.

A vocabulary (act types, perpetrator types, degrees of involvement...) is a
tree of terms up to five levels deep, as the HURIDOCS Events Standard
Formats' micro-thesauri are. Each term has a stable code (the standard's own
for its terms), a label in English, Russian and French, and the versions
of its vocabulary it belongs to: it is added in one version and may be
retired in a later one, never deleted, so every record that used it still
reads. Each change (a term added, renamed or retired) makes a new version,
and a record keeps the versions it was written with (Record.vocabularies).

Terms are the organisation's categories, not anyone's data: they are
plaintext, which lets the lists filter by them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

# Levels a vocabulary may have (the Events Standard Formats use up to five
# below their top headings in the micro-thesauri we ship).
MAX_DEPTH = 5

LANGUAGES = ("en", "ru", "fr")


class TermsAreNeverDeleted(Exception):
    """A term is retired, never deleted: records that used it must still read."""


class Vocabulary(models.Model):
    key = models.SlugField(max_length=40, unique=True)
    name_en = models.CharField(max_length=120)
    name_ru = models.CharField(max_length=120)
    name_fr = models.CharField(max_length=120)
    # Where its terms come from ("HURIDOCS ESF micro-thesaurus 4"), or "".
    standard = models.CharField(max_length=120, blank=True)
    # The current version: the number of the newest VocabularyVersion.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["key"]
        verbose_name = _("vocabulary")
        verbose_name_plural = _("vocabularies")

    def __str__(self) -> str:
        return self.key

    def name(self, language: str | None = None) -> str:
        return localised(self, "name", language)


class VocabularyVersion(models.Model):
    """One version of a vocabulary: what changed from the one before."""

    vocabulary = models.ForeignKey(Vocabulary, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    made_at = models.DateTimeField(default=timezone.now)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # [{"change": "shipped" | "added" | "renamed" | "retired", "code": ...,
    #   "before": {"en": ..., "ru": ..., "fr": ...}}]: a term's labels before
    # a rename, so every version's wording can be told again.
    changes = models.JSONField(default=list)

    class Meta:
        ordering = ["vocabulary", "number"]
        constraints = [
            models.UniqueConstraint(fields=["vocabulary", "number"], name="one_vocabulary_version")
        ]

    def __str__(self) -> str:
        return f"{self.vocabulary_id} v{self.number}"


class TermQuerySet(models.QuerySet["Term"]):
    def delete(self) -> Any:
        raise TermsAreNeverDeleted("retire terms instead (documentation.vocabularies)")

    def in_version(self, number: int) -> TermQuerySet:
        """The terms a version of their vocabulary had."""
        return self.filter(added_in__lte=number).exclude(retired_in__lte=number)

    def active(self) -> TermQuerySet:
        return self.filter(retired_in__isnull=True)


class Term(models.Model):
    vocabulary = models.ForeignKey(Vocabulary, on_delete=models.PROTECT, related_name="terms")
    # Stable: the Events Standard Formats' twelve digits for its terms, a
    # code of ours ("L-FORCED-OUTING") for this region's and for what
    # administrators add. Records, imports and exports refer to terms by it.
    code = models.CharField(max_length=40)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    depth = models.PositiveSmallIntegerField(default=1)
    label_en = models.CharField(max_length=300)
    label_ru = models.CharField(max_length=300)
    label_fr = models.CharField(max_length=300)
    position = models.PositiveIntegerField(default=0)
    added_in = models.PositiveIntegerField(default=1)
    retired_in = models.PositiveIntegerField(null=True, blank=True)
    # Not from the standard: this region's additions and administrators' terms.
    local = models.BooleanField(default=False)

    objects = TermQuerySet.as_manager()

    class Meta:
        ordering = ["vocabulary", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["vocabulary", "code"], name="one_term_per_code"),
            models.CheckConstraint(
                condition=models.Q(depth__gte=1, depth__lte=MAX_DEPTH), name="term_depth_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vocabulary_id}:{self.code}"

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise TermsAreNeverDeleted("retire terms instead (documentation.vocabularies)")

    def label(self, language: str | None = None) -> str:
        return localised(self, "label", language)

    @property
    def retired(self) -> bool:
        return self.retired_in is not None

    def in_version(self, number: int) -> bool:
        return self.added_in <= number and (self.retired_in is None or self.retired_in > number)

    def labels(self) -> dict[str, str]:
        return {language: getattr(self, f"label_{language}") for language in LANGUAGES}


def localised(obj: models.Model, stem: str, language: str | None) -> str:
    """``obj.<stem>_<language>`` in the reader's language, English if empty."""
    language = (language or translation.get_language() or "en")[:2]
    if language not in LANGUAGES:
        language = "en"
    return str(getattr(obj, f"{stem}_{language}") or getattr(obj, f"{stem}_en"))
