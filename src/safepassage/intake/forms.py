"""Forms of the public request pages and of the staff inbox."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from safepassage.accounts.models import User
from safepassage.intake import receipts
from safepassage.intake.models import Question, Region, Status, Tag, Urgency, form_vocabulary
from safepassage.intake.payload import (
    RequestContact,
    RequestHousehold,
    RequestLocation,
    RequestPayload,
)
from safepassage.intake.regions import UNSAID, area_choices
from safepassage.vault.files import StagedUpload

CONTACT_METHODS = [
    ("signal", _("Signal")),
    ("telegram", _("Telegram")),
    ("email", _("E-mail")),
    ("phone", _("Phone call or SMS")),
    ("none", _("Do not contact me: I will come back with my receipt")),
]
SITUATIONS = [
    ("immediate", _("I am in immediate danger"), Urgency.IMMEDIATE),
    ("hiding", _("I am in hiding"), Urgency.HIDING),
    ("detained", _("I was detained before"), Urgency.HIDING),
    ("family", _("My family threatens me"), Urgency.THREATENED),
    ("outed", _("I was outed, or someone threatens to out me"), Urgency.THREATENED),
]
URGENCY_OF = {key: level for key, _label, level in SITUATIONS}

# Files people may send: recognised by their first bytes, not by their name.
FILE_SIGNATURES = [
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
]


def sniff(head: bytes) -> str | None:
    for signature, content_type in FILE_SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1"):
        return "image/heic"
    return None


def check_uploads(uploads: list[Any], refusals: list[tuple[str, str]]) -> list[str]:
    """Errors to show about the attached files (empty when all are fine)."""
    errors = []
    reasons = {reason for _field, reason in refusals}
    if "too_large" in reasons:
        limit = filesizeformat(settings.UPLOAD_MAX_BYTES)
        errors.append(
            str(_("A file is larger than %(size)s and was not accepted.") % {"size": limit})
        )
    if "too_large_total" in reasons:
        limit = filesizeformat(settings.UPLOAD_MAX_TOTAL_BYTES)
        errors.append(
            str(
                _("The files together are larger than %(size)s, more than one request can carry.")
                % {"size": limit}
            )
        )
    if "too_many" in reasons or len(uploads) > settings.INTAKE_MAX_FILES:
        count = settings.INTAKE_MAX_FILES
        errors.append(
            ngettext(
                "Send at most %(count)d file at a time.",
                "Send at most %(count)d files at a time.",
                count,
            )
            % {"count": count}
        )
    for upload in uploads:
        if not isinstance(upload, StagedUpload) or sniff(upload.head) is None:
            errors.append(
                str(
                    _("“%(name)s” is not a photo (JPEG, PNG, WebP, HEIC) or a PDF.")
                    % {"name": getattr(upload, "name", "")[:80]}
                )
            )
        else:
            upload.content_type = sniff(upload.head) or "application/octet-stream"
    return errors


def keep_originals_field() -> forms.BooleanField:
    """The person's consent to keep the originals of their files (off unless ticked)."""
    return forms.BooleanField(
        label=_(
            "Keep the originals of my photos and files, with their details, "
            "for documenting what happened"
        ),
        help_text=_(
            "Photos carry hidden details: the place and the time they were taken, and the "
            "camera or phone that took them; documents can carry their author's name. We "
            "always remove these details from the copy our staff work with. Tick this box "
            "only if you also want us to keep the original, sealed, as evidence of what "
            "happened. If you do not, the original is deleted as soon as the copy is made."
        ),
        required=False,
        initial=False,
        widget=forms.CheckboxInput(attrs={"aria-describedby": "id_keep_originals_help"}),
    )


class RequestForm(forms.Form):
    name = forms.CharField(
        label=_("What should we call you?"),
        help_text=_("Any name. It does not have to be your real one."),
        max_length=200,
        required=False,
    )
    happened = forms.CharField(
        label=_("What happened?"),
        help_text=_("Write as much or as little as is safe for you."),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
    )
    help = forms.CharField(
        label=_("What help do you need?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
    )
    situation = forms.MultipleChoiceField(
        label=_("How urgent is it?"),
        choices=[(key, label) for key, label, _level in SITUATIONS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    contact_method = forms.ChoiceField(
        label=_("How can we reach you safely?"), choices=CONTACT_METHODS
    )
    contact_handle = forms.CharField(
        label=_("Your number, username or address for that"),
        max_length=200,
        required=False,
    )
    contact_method_2 = forms.ChoiceField(
        label=_("Another safe way (optional)"),
        choices=[("", "—"), *CONTACT_METHODS[:-1]],
        required=False,
    )
    contact_handle_2 = forms.CharField(
        label=_("Number, username or address for the other way"), max_length=200, required=False
    )
    # The regions are administrators' data (intake/regions.py); nothing is
    # chosen until the person chooses.
    area = forms.ChoiceField(label=_("Where are you now?"), choices=[], required=False)
    place = forms.CharField(
        label=_("Town or region (optional)"),
        help_text=_("Only as precise as you are comfortable with. Never your address."),
        max_length=200,
        required=False,
    )
    household = forms.IntegerField(
        label=_("How many other people must travel with you?"),
        min_value=0,
        max_value=20,
        initial=0,
    )
    household_notes = forms.CharField(
        label=_("Who are they? (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )
    # Shown beside the file field (intake/request.html), not in the list of fields.
    keep_originals = keep_originals_field()

    def __init__(self, *args: Any, language: str = "en", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.language = language
        vocabulary = form_vocabulary()
        self.questions = vocabulary.questions
        self.fields["area"].choices = area_choices(vocabulary.regions, language)  # type: ignore[attr-defined]
        for question in self.questions:
            name = f"q_{question.key}"
            label = question.label(language)
            if question.kind == Question.Kind.CHOICE:
                self.fields[name] = forms.ChoiceField(
                    label=label,
                    choices=[("", "—"), *question.option_pairs(language)],
                    required=question.required,
                )
            elif question.kind == Question.Kind.YESNO:
                self.fields[name] = forms.ChoiceField(
                    label=label,
                    choices=[("", "—"), ("yes", _("yes")), ("no", _("no"))],
                    required=question.required,
                )
            else:
                self.fields[name] = forms.CharField(
                    label=label,
                    max_length=2000,
                    required=question.required,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )

    def visible_fields(self) -> list[Any]:
        return [field for field in super().visible_fields() if field.name != "keep_originals"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for method_field, handle_field in (
            ("contact_method", "contact_handle"),
            ("contact_method_2", "contact_handle_2"),
        ):
            method, handle = data.get(method_field), (data.get(handle_field) or "").strip()
            if method and method != "none" and not handle:
                self.add_error(handle_field, _("Please write how we can reach you that way."))
        return data

    def payload(self) -> RequestPayload:
        data = self.cleaned_data
        contacts = []
        for method, handle in (
            (data["contact_method"], data.get("contact_handle", "")),
            (data.get("contact_method_2", ""), data.get("contact_handle_2", "")),
        ):
            if method and method != "none" and handle:
                contacts.append(RequestContact(kind=method, handle=handle.strip()))
        situation = list(data.get("situation", []))
        answers = {}
        for question in self.questions:
            value = data.get(f"q_{question.key}")
            if value not in (None, ""):
                if question.kind == Question.Kind.CHOICE:
                    value = dict(question.option_pairs("en")).get(value, value)
                answers[question.key] = str(value)
        return RequestPayload(
            lang=self.language,
            name=data.get("name", ""),
            happened=data["happened"],
            help=data["help"],
            situation=situation,
            urgency_level=int(max((URGENCY_OF[s] for s in situation), default=Urgency.OTHER)),
            contacts=contacts,
            no_contact=data["contact_method"] == "none",
            location=RequestLocation(area=data.get("area") or "", place=data.get("place", "")),
            household=RequestHousehold(
                count=data.get("household") or 0, notes=data.get("household_notes", "")
            ),
            answers=answers,
        )


class ReceiptForm(forms.Form):
    receipt = forms.CharField(
        label=_("Your receipt (the words you were given)"),
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_receipt(self) -> str:
        receipt: str = self.cleaned_data["receipt"]
        if not receipts.looks_like_receipt(receipt):
            raise forms.ValidationError(
                _("A receipt is eight words separated by spaces. Please check it.")
            )
        return receipt


class PersonMessageForm(ReceiptForm):
    text = forms.CharField(
        label=_("Your message"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000
    )
    keep_originals = keep_originals_field()


class StaffReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Reply to the person"), widget=forms.Textarea(attrs={"rows": 5}), max_length=10000
    )


class TagsForm(forms.Form):
    tags = forms.MultipleChoiceField(
        label=_("Tags"), choices=[], widget=forms.CheckboxSelectMultiple, required=False
    )
    new_tag = forms.SlugField(
        label=_("New tag"),
        max_length=40,
        required=False,
        help_text=_("Tags are encrypted like the requests: only those who triage can read them."),
    )

    def __init__(self, *args: Any, tags: list[Tag], **kwargs: Any) -> None:
        """``tags``: every tag, opened (actions.all_tags)."""
        super().__init__(*args, **kwargs)
        self.known = {str(tag.pk): tag for tag in tags}
        self.fields["tags"].choices = [(str(tag.pk), tag.name) for tag in tags]  # type: ignore[attr-defined]

    def chosen(self) -> list[Tag]:
        return [self.known[key] for key in self.cleaned_data["tags"]]


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    reason = forms.ChoiceField(
        label=_("Reason"),
        required=False,
        choices=[
            ("", "—"),
            ("advertising", _("advertising or nonsense")),
            ("abuse", _("abuse or threats")),
            ("infiltration", _("suspected infiltration")),
            ("same-person", _("same person, sent again")),
            ("resolved", _("resolved")),
            ("no-answer", _("no answer")),
        ],
    )
    duplicate_of = forms.CharField(label=_("Duplicate of (R-…)"), max_length=12, required=False)

    def __init__(self, *args: Any, allowed: list[Status], **kwargs: Any) -> None:
        """Offers only the statuses the request may take (actions.statuses_allowed);
        set_status refuses the others with a message that says why."""
        super().__init__(*args, **kwargs)
        self.fields["status"].widget.choices = [(s.value, s.label) for s in allowed]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") == Status.DUPLICATE and not data.get("duplicate_of"):
            self.add_error("duplicate_of", _("Name the request this one repeats."))
        return data


class RegionForm(forms.ModelForm):
    class Meta:
        model = Region
        fields = ["key", "name_en", "name_ru", "name_fr", "position", "active"]
        help_texts = {
            "key": _(
                "A short name kept with each request, such as chechnya. Cannot be changed later."
            ),
            "active": _(
                "A hidden region is no longer offered; requests that named it still show it."
            ),
        }
        labels = {
            "key": _("Key"),
            "name_en": _("Name in English"),
            "name_ru": _("Name in Russian"),
            "name_fr": _("Name in French"),
            "position": _("Position in the list"),
            "active": _("Offered on the form"),
        }

    def clean_key(self) -> str:
        key: str = self.cleaned_data["key"]
        if key == UNSAID:
            raise forms.ValidationError(_("This key is kept for “I prefer not to say”."))
        return key


class AssignForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("Assign to"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Nobody"),
    )

    def __init__(self, *args: Any, candidates: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        field.queryset = User.objects.filter(pk__in=[u.pk for u in candidates])  # type: ignore[attr-defined]
        field.label_from_instance = lambda user: user.username  # type: ignore[attr-defined]


class QuestionForm(forms.ModelForm):
    class Meta:
        model = Question
        fields = [
            "key",
            "kind",
            "label_en",
            "label_ru",
            "label_fr",
            "options",
            "required",
            "position",
            "active",
        ]
        help_texts = {
            "options": _(
                "For “one of a list”: one option per line, as “English | Русский | Français”."
            ),
            "key": _("A short name for the answer, such as has_passport. Cannot be changed later."),
        }
        labels = {
            "key": _("Key"),
            "kind": _("Kind of answer"),
            "label_en": _("Question in English"),
            "label_ru": _("Question in Russian"),
            "label_fr": _("Question in French"),
            "options": _("Options"),
            "required": _("An answer is required"),
            "position": _("Position on the form"),
            "active": _("Shown on the form"),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == Question.Kind.CHOICE and not (data.get("options") or "").strip():
            self.add_error("options", _("List at least one option."))
        return data
