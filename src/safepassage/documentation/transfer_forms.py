"""The forms of importing and exporting: choosing a file, choosing which
of its columns holds each of our fields, and choosing an export's format."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from safepassage.documentation.import_columns import COLUMNS, PARTS
from safepassage.documentation.importing import WEB_MAX_BYTES, WEB_MAX_ROWS
from safepassage.documentation.models import Confidentiality

NOT_IN_THE_FILE = _("— not in the file —")


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext(
            "CSV (UTF-8) or Excel (.xlsx), with the columns' titles in the first row and one "
            "row per act. At most %(rows)s rows and %(megabytes)s MB here; the command line "
            "takes larger files."
        ) % {"rows": WEB_MAX_ROWS, "megabytes": WEB_MAX_BYTES // (1024 * 1024)}


class ColumnsForm(forms.Form):
    """For each of our fields, the file's column that holds it (or none)."""

    confidentiality = forms.ChoiceField(
        label=_("Who may see the imported events"),
        choices=Confidentiality.choices,
        initial=Confidentiality.COMPARTMENT,
        widget=forms.RadioSelect,
        help_text=_("Restricted: only you, until you share each event from its page."),
    )
    allow_new_terms = forms.BooleanField(
        label=_("Add the terms the file names that are not in the vocabularies"),
        required=False,
        help_text=_(
            "Without this, a value that names no term (by its code or its label in English, "
            "Russian or French) stops the import, and nothing is added. Added terms are "
            "plaintext, like every term, and never places: do not allow this for columns "
            "whose values could name or locate someone."
        ),
    )

    def __init__(self, *args: Any, columns: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", NOT_IN_THE_FILE), *columns]
        for column in COLUMNS:
            self.fields[column.key] = forms.TypedChoiceField(
                label=str(column.label),
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for column in COLUMNS:
            if column.required and data.get(column.key) is None and column.key not in self.errors:
                self.add_error(
                    column.key, _("Choose the column that holds it: every row needs one.")
                )
        return data

    def mapping(self) -> dict[str, int]:
        return {
            column.key: self.cleaned_data[column.key]
            for column in COLUMNS
            if self.cleaned_data.get(column.key) is not None
        }

    def parts(self) -> list[tuple[Any, list[forms.BoundField]]]:
        """The column choices by part of the record (the event, the act...)."""
        return [
            (label, [self[column.key] for column in COLUMNS if column.part == part])
            for part, label in PARTS
        ]


class ExportForm(forms.Form):
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[
            ("json", _("JSON: one document, the records with their links")),
            ("csv", _("CSV: a zip of one table per kind of record")),
        ],
        initial="json",
        widget=forms.RadioSelect,
    )
