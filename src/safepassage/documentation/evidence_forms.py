"""The forms of the evidence locker: an upload, a working copy, opening
an item, and a link to one more record."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from safepassage.documentation.models import MADE_ELSEWHERE, Operation
from safepassage.documentation.working_copies import Box

WHY = _("Why (kept in the item's custody log)")


class EvidenceUploadForm(forms.Form):
    to = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)
    file = forms.FileField(label=_("File"))
    description = forms.CharField(
        label=_("What it shows"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    why = forms.CharField(label=WHY, required=False, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext(
            "The original, as it was collected: photo, video, audio, document or web capture "
            "(WACZ, WARC). It is kept unchanged. At most %(megabytes)s MB here; the command "
            "line takes larger files."
        ) % {"megabytes": settings.UPLOAD_MAX_BYTES // (1024 * 1024)}


class MadeElsewhereForm(forms.Form):
    """A working copy made outside safepassage, added to an original."""

    file = forms.FileField(label=_("File"))
    operation = forms.ChoiceField(
        label=_("What was done to it"),
        choices=[(operation.value, operation.label) for operation in MADE_ELSEWHERE],
        widget=forms.RadioSelect,
    )
    why = forms.CharField(label=WHY, required=False, max_length=500)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext(
            "The copy as it was made: a video with faces or voices hidden, a transcript, a "
            "translation. It is kept unchanged, with its own SHA-256. At most %(megabytes)s MB."
        ) % {"megabytes": settings.UPLOAD_MAX_BYTES // (1024 * 1024)}


class CopyForm(forms.Form):
    operation = forms.ChoiceField(
        label=_("How the copy is made"),
        choices=[
            (Operation.LOCATION_STRIPPED.value, Operation.LOCATION_STRIPPED.label),
            (Operation.BLURRED.value, Operation.BLURRED.label),
        ],
        widget=forms.RadioSelect,
    )
    left = forms.IntegerField(label=_("Left"), required=False, min_value=0)
    top = forms.IntegerField(label=_("Top"), required=False, min_value=0)
    right = forms.IntegerField(label=_("Right"), required=False, min_value=1)
    bottom = forms.IntegerField(label=_("Bottom"), required=False, min_value=1)
    why = forms.CharField(label=WHY, required=False, max_length=500)

    def box(self) -> Box | None:
        values = [self.cleaned_data.get(name) for name in ("left", "top", "right", "bottom")]
        if all(value is None for value in values):
            return None
        return Box(*[int(value or 0) for value in values])

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        values = [cleaned.get(name) for name in ("left", "top", "right", "bottom")]
        given = [value is not None for value in values]
        if any(given) and not all(given):
            raise forms.ValidationError(
                gettext("Give all four sides of the box to blur, or none to blur it all.")
            )
        if all(given) and (values[0] >= values[2] or values[1] >= values[3]):  # type: ignore[operator]
            raise forms.ValidationError(
                gettext("The box's right and bottom must be past its left and top.")
            )
        return cleaned


class OpenForm(forms.Form):
    why = forms.CharField(label=WHY, required=False, max_length=500)


class OriginalForm(forms.Form):
    why = forms.CharField(label=_("Why the original is needed"), max_length=500)


class RecheckForm(forms.Form):
    why = forms.CharField(
        label=_("Why it is checked again"),
        max_length=500,
        help_text=_("For its custody log, for example: the trust list was updated."),
    )


class LinkForm(forms.Form):
    to = forms.CharField(
        label=_("Code of an event, act or statement"),
        max_length=40,
        help_text=_("For example E-7K3M9Q, A-4F2P8N or S-9D3Q7R."),
    )
    why = forms.CharField(label=WHY, required=False, max_length=500)


class DossierForm(forms.Form):
    records = forms.CharField(
        label=_("What goes in it"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Codes of events, acts, statements or evidence items, separated by spaces: "
            "the evidence linked to each goes in."
        ),
    )
    mode = forms.ChoiceField(
        label=_("Which files"),
        choices=[
            ("copies", _("Working copies (the originals' hashes and custody logs go with them)")),
            ("originals", _("Originals, as collected, as far as consent allows")),
        ],
        initial="copies",
        widget=forms.RadioSelect,
    )
    language = forms.ChoiceField(label=_("Language of the index"), choices=settings.LANGUAGES)
    why = forms.CharField(
        label=_("Why, and for whom (kept in each item's custody log)"), max_length=500
    )
