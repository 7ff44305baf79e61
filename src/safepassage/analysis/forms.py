from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from safepassage import spreadsheets
from safepassage.analysis.list_labels import label_lists
from safepassage.analysis.methods import Plan
from safepassage.analysis.models import (
    FIELDS,
    LIST_NAME_LENGTH,
    NAME_FIELDS,
    CountScope,
    EstimateMethod,
    Same,
    VictimList,
)
from safepassage.documentation import vocabularies
from safepassage.documentation.models import Term
from safepassage.documentation.transfer_forms import NOT_IN_THE_FILE

COLUMN_HELP = _("The title of the column in the file, exactly as written there.")


class ImportForm(forms.Form):
    list_name = forms.CharField(
        label=_("Source"),
        max_length=LIST_NAME_LENGTH,
        help_text=_(
            "Who made the list (“Novaya Gazeta, April 2017”). The name of a list already "
            "imported adds these rows to it, and its columns need not be given again. It is "
            "sealed like the records: only members of documentation read it."
        ),
    )
    file = forms.FileField(
        label=_("File"), help_text=_("CSV (UTF-8) or Excel (.xlsx), with a header row.")
    )
    record_id = forms.CharField(
        label=_("Column with the list's own record id"),
        max_length=200,
        required=False,
        help_text=_("Kept with each record and written out when a run's people are exported."),
    )
    name = forms.CharField(
        label=_("Column with the full name"),
        max_length=200,
        required=False,
        help_text=_(
            "In any order (“Surname Given Patronymic”, “Given Surname”, “SURNAME, Given”), "
            "or give the parts' columns below instead."
        ),
    )
    surname = forms.CharField(label=_("Column with the surname"), max_length=200, required=False)
    given = forms.CharField(label=_("Column with the given name"), max_length=200, required=False)
    patronymic = forms.CharField(
        label=_("Column with the patronymic"), max_length=200, required=False
    )
    sex = forms.CharField(label=_("Column with the sex"), max_length=200, required=False)
    birth = forms.CharField(
        label=_("Column with the birth date, year or age"), max_length=200, required=False
    )
    age = forms.CharField(label=_("Column with the age"), max_length=200, required=False)
    age_date = forms.CharField(
        label=_("Column with the date the age refers to"),
        max_length=200,
        required=False,
        help_text=_(
            "Such as the date of publication. Without it, an age counts from the date of the "
            "events."
        ),
    )
    place = forms.CharField(label=_("Column with the home place"), max_length=200, required=False)
    event_date = forms.CharField(
        label=_("Column with the date of the events"), max_length=200, required=False
    )
    detention_place = forms.CharField(
        label=_("Column with the place of detention"), max_length=200, required=False
    )
    act = forms.CharField(
        label=_("Column with what was done (killing, detention…)"),
        max_length=200,
        required=False,
    )
    notes = forms.CharField(label=_("Column with notes"), max_length=200, required=False)
    skip_invalid = forms.BooleanField(
        label=_("Store the good rows and list the others"),
        required=False,
        help_text=_("Without this, one bad row stores nothing, so the file can be corrected."),
    )

    def mapping(self) -> dict[str, str]:
        """Our field -> the file's column, for the columns given."""
        found = {}
        for field in FIELDS:
            value = str(self.cleaned_data.get("record_id" if field == "id" else field, ""))
            if value.strip():
                found[field] = value.strip()
        return found

    # The file's column names, offered in every column box once a file was
    # read (an HTML datalist: chosen from, or typed).
    columns: tuple[str, ...] = ()

    # The boxes of the file's columns, by field name.
    COLUMN_BOXES = tuple("record_id" if field == "id" else field for field in FIELDS)

    @property
    def column_boxes(self) -> str:
        """The column boxes' names, for the template's `fields` tag."""
        return " ".join(self.COLUMN_BOXES)

    def columns_typed(self) -> bool:
        """Whether any column box holds a value or an error."""
        return any(
            str(self[box].value() or "").strip() or self[box].errors for box in self.COLUMN_BOXES
        )

    def with_columns(self, mapping: dict[str, str], columns: list[str]) -> ImportForm:
        """This form again, its columns as `mapping` gives them, the file's
        `columns` offered in each box, and its file to be chosen again (a
        browser sends a file once)."""
        data = {key: self.data.get(key, "") for key in self.fields if key != "file"}
        for field in FIELDS:
            data["record_id" if field == "id" else field] = mapping.get(field, "")
        again = ImportForm(data)
        again.columns = tuple(columns)
        for box in self.COLUMN_BOXES:
            again.fields[box].widget.attrs["list"] = "import-columns"
        if not again.is_valid():
            again.errors["file"] = again.error_class([gettext("Choose the file again.")])
        return again


class ColumnsForm(forms.Form):
    """For each field, the column of a new list's file that holds it (or
    none), chosen from the file's own columns once it is uploaded."""

    skip_invalid = forms.BooleanField(
        label=ImportForm.base_fields["skip_invalid"].label,
        required=False,
        help_text=ImportForm.base_fields["skip_invalid"].help_text,
    )

    def __init__(self, *args: Any, header: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", NOT_IN_THE_FILE)] + [
            (title, f"{spreadsheets.column_letter(index)}: {title}")
            for index, title in enumerate(header)
            if title.strip()
        ]
        fields = {}
        for field, box in zip(FIELDS, ImportForm.COLUMN_BOXES, strict=True):
            typed = ImportForm.base_fields[box]
            fields[field] = forms.ChoiceField(
                label=typed.label, help_text=typed.help_text, choices=choices, required=False
            )
        # The columns first, then whether to store the good rows alone.
        self.fields = {**fields, "skip_invalid": self.fields["skip_invalid"]}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(data.get(field) for field in NAME_FIELDS) and "name" not in self.errors:
            self.add_error(
                "name",
                _(
                    "Choose the column with the full name, or those with the surname and "
                    "given name."
                ),
            )
        return data

    def mapping(self) -> dict[str, str]:
        """Our field -> the file's column, for the columns chosen."""
        return {field: self.cleaned_data[field] for field in FIELDS if self.cleaned_data.get(field)}


class ListChoice(forms.ModelMultipleChoiceField):
    """Lists by their (sealed) names, in the reader's language: the form is
    shown only to members of documentation."""

    def label_from_instance(self, obj: Any) -> str:
        labels: dict[Any, str] | None = getattr(self, "_labels", None)
        if labels is None:
            # Every list's label at once (the kinds of source read once).
            shown = self.queryset if self.queryset is not None else VictimList.objects.none()
            lists = VictimList.objects.filter(pk__in=shown.values_list("pk", flat=True)).opened()
            labels = {item.pk: item.label for item in label_lists(lists)}
            self._labels = labels
        return labels.get(obj.pk) or str(obj.label)


class RunForm(forms.Form):
    lists = ListChoice(
        label=_("Lists to link"),
        queryset=VictimList.objects.all(),
        widget=forms.CheckboxSelectMultiple,
    )
    threshold = forms.FloatField(
        label=_("Match probability to join two records"),
        initial=0.5,
        min_value=0.05,
        max_value=0.95,
        help_text=_("Pairs between 0.3 and 0.9 go to the review queue."),
    )
    reference_year = forms.IntegerField(
        label=_("The year the lists' ages refer to"), initial=2017, min_value=1900, max_value=2100
    )

    def clean_lists(self) -> Any:
        chosen = self.cleaned_data["lists"]
        if len(chosen) < 2:
            raise forms.ValidationError(_("Choose at least two lists."))
        return chosen


STRATA_CHOICES = [
    ("", _("No strata")),
    ("place", _("Place")),
    ("period", _("Year of the events")),
    ("act", _("What was done")),
]


class EstimateForm(forms.Form):
    method = forms.ChoiceField(
        label=_("Method"), choices=EstimateMethod.choices, initial=EstimateMethod.AUTO
    )
    stratum = forms.ChoiceField(
        label=_("Estimate separately by"), choices=STRATA_CHOICES, required=False
    )
    resamples = forms.IntegerField(
        label=_("Draws for the interval"),
        initial=500,
        min_value=0,
        max_value=5000,
        help_text=_("0 for the estimate alone. 500 to 1,000 is usual."),
    )
    linkage_draws = forms.IntegerField(
        label=_("Clusterings drawn from the match probabilities"),
        initial=100,
        min_value=0,
        max_value=2000,
        help_text=_("For an interval that also carries the uncertainty of the linkage."),
    )
    length = forms.ChoiceField(
        label=_("Length of the latent-class sampler"),
        choices=[
            ("short", _("A first look: 1,000 draws per chain, every 10th iteration")),
            ("long", _("For a report: 10,000 draws per chain, every 100th iteration")),
        ],
        initial="short",
        required=False,
        help_text=_(
            "Latent classes only. Each drawn clustering is fitted again, so a long run with "
            "many clusterings takes a while."
        ),
    )
    seed = forms.IntegerField(
        label=_("Seed"),
        initial=Plan().seed,  # the command line's default too
        min_value=0,
        max_value=2**31,
        help_text=_("The same seed gives the same figures."),
    )
    as_one = forms.MultipleChoiceField(
        label=_("Lists that copy one another, counted as one"),
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Tick two or more lists when one takes its cases from another (a newspaper that "
            "reprints an NGO's list, agencies that share one hotline): a person on any of "
            "them counts as on one list. The estimate cannot see such copying by itself, "
            "and without this it comes out too low. Leave empty otherwise."
        ),
    )

    def __init__(
        self,
        *args: Any,
        methods: list[str] | None = None,
        lists: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        if methods is not None:
            self.fields["method"].choices = [  # type: ignore[attr-defined]
                (value, label) for value, label in EstimateMethod.choices if value in methods
            ]
        if lists is not None and len(lists) >= 3:
            self.fields["as_one"].choices = lists  # type: ignore[attr-defined]
        else:
            del self.fields["as_one"]

    def clean_as_one(self) -> list[str]:
        chosen: list[str] = self.cleaned_data.get("as_one") or []
        if len(chosen) == 1:
            raise forms.ValidationError(_("Tick two lists or more to count as one, or none."))
        total = len(self.fields["as_one"].choices)  # type: ignore[attr-defined]
        if chosen and total - len(chosen) + 1 < 2:
            raise forms.ValidationError(
                _("Counted as one, these lists would leave a single list: leave one out.")
            )
        return chosen


class DecisionForm(forms.Form):
    first = forms.UUIDField(widget=forms.HiddenInput)
    second = forms.UUIDField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=Same.choices)


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _term_label(term: Term) -> str:
    if term.retired:
        return gettext("%(term)s (retired)") % {"term": term.label()}
    return term.label()


class CountForm(forms.Form):
    """Counting from our documentation: which acts, of when, how established."""

    period_from = forms.DateField(label=_("Acts from"), required=False, widget=DATE)
    period_to = forms.DateField(label=_("Acts until"), required=False, widget=DATE)
    act_types = forms.TypedMultipleChoiceField(
        label=_("Types of acts"),
        coerce=int,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text=_(
            "None chosen: every type. A type takes the types below it. Keep Ctrl (⌘ on a Mac) "
            "pressed to choose several."
        ),
    )
    scope = forms.ChoiceField(
        label=_("Which acts"),
        choices=CountScope.choices,
        initial=CountScope.ALL,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        terms = vocabularies.in_tree_order(Term.objects.filter(vocabulary__key="act_type"))
        self.terms = {term.pk: term for term in terms}
        self.fields["act_types"].choices = [  # type: ignore[attr-defined]
            (term.pk, "\u2003" * (term.depth - 1) + _term_label(term)) for term in terms
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_from"), data.get("period_to")
        if start and end and end < start:
            self.add_error("period_to", _("The end of the period is before its start."))
        return data

    def chosen_types(self) -> list[Term]:
        return [self.terms[pk] for pk in self.cleaned_data.get("act_types") or []]
