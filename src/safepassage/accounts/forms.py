"""Forms for logging in and for managing staff."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from safepassage.accounts.models import Team, User, normalise_username
from safepassage.accounts.roles import Role

USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9.-]{1,38}[a-z0-9]$")


class LoginForm(forms.Form):
    username = forms.CharField(
        label=_("Username or e-mail address"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=1024,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app, or a recovery code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "inputmode": "text"}
        ),
    )


class EnrolForm(forms.Form):
    code = forms.CharField(
        label=_("The six-digit code your app shows now"),
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "inputmode": "numeric"}
        ),
    )


class ConfirmForm(forms.Form):
    password = forms.CharField(
        label=_("Password"),
        max_length=1024,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    code = forms.CharField(
        label=_("Code from your authenticator app, or a recovery code"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )


def _role_choices() -> list[tuple[str, str]]:
    return [(role.value, str(role.label)) for role in Role]


class AccessForm(forms.Form):
    """Roles and teams of a staff member."""

    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        choices=_role_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    teams = forms.ModelMultipleChoiceField(
        label=_("Teams"),
        queryset=Team.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def clean_roles(self) -> list[str]:
        roles: list[str] = self.cleaned_data["roles"]
        if not roles:
            raise forms.ValidationError(_("Choose at least one role."))
        return roles


class StaffCreateForm(AccessForm):
    username = forms.CharField(
        label=_("Username"),
        max_length=40,
        help_text=_(
            "3 to 40 lower-case letters, digits, dots or hyphens. Use a handle, not a real name."
        ),
    )

    field_order = ["username", "roles", "teams"]

    def clean_username(self) -> str:
        username = normalise_username(self.cleaned_data["username"])
        if not USERNAME_PATTERN.match(username):
            raise forms.ValidationError(
                _("Use 3 to 40 lower-case letters, digits, dots or hyphens.")
            )
        if User.objects.filter(username=username).exists():
            raise forms.ValidationError(_("This username is taken."))
        return username


class IdentityForm(forms.Form):
    """Real name and e-mail address, stored encrypted to the staff compartment."""

    name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("E-mail address"), required=False)


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Team name"), max_length=80)

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if Team.objects.filter(name__iexact=name).exists():
            raise forms.ValidationError(_("A team with this name exists."))
        return name


class MembersForm(forms.Form):
    members = forms.ModelMultipleChoiceField(
        label=_("Members"),
        queryset=User.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["members"].label_from_instance = lambda user: user.username  # type: ignore[attr-defined]
