"""The log as a person reads it: who, did what, to what.

The chain stores references (``user:7``, ``submission:<uuid>``) and action
codes; this turns a page of rows into lines for one viewer:

- staff by name when the viewer holds the staff compartment (names are
  encrypted there), else by a stable pseudonym ("Staff member 7"), never
  a name;
- targets as what they are (request R-4KQ7, case C-9XM2, the list's name)
  when the viewer's role may see such things, else by kind and a short id;
- actions by their translated label (labels.py);
- runs of the same read by the same person on the same thing, minutes
  apart ("Showed 25 pairs for review"), as one line that opens to the list.
  Grouping is only how the page shows them: the chain keeps every entry.

Targets of other apps are looked up by app and model name when those apps
are installed; audit imports none of them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from safepassage.accounts.models import StaffIdentity, User
from safepassage.accounts.roles import Perm, Role
from safepassage.audit import labels
from safepassage.audit.problems import Problem
from safepassage.audit.rows import Row
from safepassage.vault.bulk import open_rows
from safepassage.vault.errors import VaultError
from safepassage.vault.fields import EncryptedField
from safepassage.vault.keyring import current_keyring_or_none
from safepassage.vault.models import Compartment

# Entries of a run further apart than this are shown apart.
GROUP_GAP = timedelta(minutes=10)

_USER = re.compile(r"^user:(\d{1,18})$")


@dataclass(frozen=True)
class TargetKind:
    # "request %(name)s": the name is the code, or a short id where hidden.
    template: Promise
    app: str = ""
    model: str = ""
    # A plaintext field that says what it is (a code, a list's name).
    field: str = ""
    # Roles that may see that field; none: anyone who may read the log.
    perms: tuple[Perm, ...] = ()


TARGETS: dict[str, TargetKind] = {
    "team": TargetKind(
        gettext_lazy("team “%(name)s”"), "accounts", "Team", "name", (Perm.VIEW_ALL_TEAMS,)
    ),
    "organisation": TargetKind(
        gettext_lazy("organisation “%(name)s”"), "accounts", "Organisation", "name"
    ),
    "submission": TargetKind(
        gettext_lazy("request %(name)s"), "intake", "Submission", "code", (Perm.TRIAGE_REQUESTS,)
    ),
    "case": TargetKind(gettext_lazy("case %(name)s"), "cases", "Case", "code", (Perm.VIEW_CASES,)),
    "victimlist": TargetKind(
        gettext_lazy("list “%(name)s”"),
        "analysis",
        "VictimList",
        "name",
        (Perm.IMPORT_LISTS, Perm.REVIEW_LINKS, Perm.ANALYSE),
    ),
    "linkagerun": TargetKind(gettext_lazy("linkage run %(name)s")),
    "run": TargetKind(gettext_lazy("linkage run %(name)s")),
    "estimate": TargetKind(gettext_lazy("estimate %(name)s")),
    "linkdecision": TargetKind(gettext_lazy("review decision %(name)s")),
    "question": TargetKind(gettext_lazy("form question %(name)s")),
    "recoverykey": TargetKind(gettext_lazy("recovery key %(name)s")),
    "compartment": TargetKind(gettext_lazy("compartment “%(name)s”")),
    # Documentation: records by their pseudonymous codes, for those who read it.
    "event": TargetKind(
        gettext_lazy("event %(name)s"), "documentation", "Event", "code", (Perm.VIEW_DOCUMENTATION,)
    ),
    "act": TargetKind(
        gettext_lazy("act %(name)s"), "documentation", "Act", "code", (Perm.VIEW_DOCUMENTATION,)
    ),
    "person": TargetKind(
        gettext_lazy("person %(name)s"),
        "documentation",
        "Person",
        "code",
        (Perm.VIEW_DOCUMENTATION,),
    ),
    "statement": TargetKind(
        gettext_lazy("statement %(name)s"),
        "documentation",
        "Statement",
        "code",
        (Perm.VIEW_DOCUMENTATION,),
    ),
    "commitment": TargetKind(
        gettext_lazy("promise %(name)s"),
        "documentation",
        "Commitment",
        "code",
        (Perm.VIEW_DOCUMENTATION,),
    ),
    "involvement": TargetKind(gettext_lazy("perpetrator's part %(name)s")),
    "information": TargetKind(gettext_lazy("source's account %(name)s")),
    "intervention": TargetKind(gettext_lazy("intervention %(name)s")),
    "term": TargetKind(gettext_lazy("term %(name)s"), "documentation", "Term", "code"),
    "vocabulary": TargetKind(
        gettext_lazy("vocabulary %(name)s"), "documentation", "Vocabulary", "key"
    ),
    "host": TargetKind(gettext_lazy("host “%(name)s”"), "cases", "Host", "name_en"),
    "pathway": TargetKind(gettext_lazy("pathway “%(name)s”"), "cases", "Pathway", "name_en"),
}

SPECIAL_ACTORS: dict[str, Promise] = {
    "system": gettext_lazy("The system"),
    "cli": gettext_lazy("Command line"),
    "anonymous": gettext_lazy("Someone not logged in"),
}


def short_id(value: str) -> str:
    """A UUID's first eight digits; anything else as it is."""
    digits = value.replace("-", "")
    if len(digits) == 32 and re.fullmatch(r"[0-9a-fA-F]{32}", digits):
        return digits[:8].lower()
    return value


@dataclass
class Shown:
    """A reference as the viewer reads it."""

    text: str
    ref: str
    # The staff page of a person, for those who may see it.
    user_id: int | None = None


class Names:
    """Who and what the references on one page are, for one viewer."""

    def __init__(self, viewer: User, references: Iterable[str]) -> None:
        self.viewer = viewer
        keyring = current_keyring_or_none()
        self.reads_names = keyring is not None and keyring.holds(Compartment.STAFF)
        self.links_staff = viewer.can(Perm.VIEW_STAFF)
        by_kind: dict[str, set[str]] = defaultdict(set)
        for ref in references:
            kind, _sep, key = ref.partition(":")
            if key:
                by_kind[kind].add(key)
        self.people = self._people(by_kind.pop("user", set()))
        self.things: dict[tuple[str, str], str] = {}
        for kind, keys in by_kind.items():
            self.things |= {(kind, key): text for key, text in self._things(kind, keys).items()}

    def _people(self, keys: set[str]) -> dict[int, str]:
        ids = {int(key) for key in keys if key.isdigit()}
        if not self.reads_names or not ids:
            return {}
        identities = list(StaffIdentity.objects.filter(user_id__in=ids))
        open_rows(identities, ["name"])
        names = {}
        for identity in identities:
            try:
                names[identity.user_id] = str(identity.name)
            except VaultError:
                continue
        return names

    def _may_see(self, kind: TargetKind) -> bool:
        return not kind.perms or any(self.viewer.can(perm) for perm in kind.perms)

    def _things(self, kind_name: str, keys: set[str]) -> dict[str, str]:
        kind = TARGETS.get(kind_name)
        if kind is None or not kind.field or not self._may_see(kind):
            return {}
        if not apps.is_installed(f"safepassage.{kind.app}"):
            return {}
        model = apps.get_model(kind.app, kind.model)
        parsed = {}
        for key in keys:
            try:
                parsed[model._meta.pk.to_python(key)] = key
            except ValidationError:
                continue
        field = model._meta.get_field(kind.field)
        if isinstance(field, EncryptedField):
            return self._sealed_things(model, field, parsed)
        found = model._default_manager.filter(pk__in=list(parsed)).values_list("pk", kind.field)
        return {parsed[pk]: str(value) for pk, value in found if pk in parsed}

    def _sealed_things(
        self, model: Any, field: EncryptedField, parsed: dict[Any, str]
    ) -> dict[str, str]:
        """What sealed names say (a list's name), for a viewer whose keys
        open their compartment; nothing for anyone else."""
        keyring = current_keyring_or_none()
        if keyring is None or not keyring.holds(field.compartment):
            return {}
        rows = list(model._default_manager.filter(pk__in=list(parsed)))
        open_rows(rows, [field.name])
        found = {}
        for row in rows:
            try:
                found[parsed[row.pk]] = str(getattr(row, field.name))
            except VaultError:
                continue
        return found

    def person(self, user_id: int) -> str:
        name = self.people.get(user_id)
        if name:
            return name
        return _("Staff member %(number)s") % {"number": user_id}

    def actor(self, ref: str) -> Shown:
        match = _USER.match(ref)
        if match:
            user_id = int(match.group(1))
            return Shown(self.person(user_id), ref, user_id if self.links_staff else None)
        if ref in SPECIAL_ACTORS:
            return Shown(str(SPECIAL_ACTORS[ref]), ref)
        return Shown(ref, ref)

    def target(self, ref: str) -> Shown | None:
        if not ref:
            return None
        if _USER.match(ref):
            return self.actor(ref)
        kind_name, _sep, key = ref.partition(":")
        kind = TARGETS.get(kind_name)
        if kind is None:
            return Shown(ref, ref)
        if kind_name == "compartment":
            name = dict(Compartment.choices).get(key, key)
        else:
            name = self.things.get((kind_name, key), short_id(key))
        return Shown(str(kind.template % {"name": name}), ref)

    def value(self, value: Any) -> str:
        """A detail's value as text, with staff references named."""
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if value is None:
            return "—"
        if isinstance(value, list):
            return ", ".join(self.value(item) for item in value)
        text = str(value)
        match = _USER.match(text)
        if match:
            return self.person(int(match.group(1)))
        return text


@dataclass
class Line:
    """One line of the page: an entry, or a run of entries shown as one."""

    rows: list[Row]
    actor: Shown
    target: Shown | None
    label: str
    description: str
    details: list[tuple[str, str]] = field(default_factory=list)
    group_label: str = ""

    @property
    def first(self) -> Row:
        return self.rows[0]

    @property
    def last(self) -> Row:
        return self.rows[-1]

    @property
    def malformed(self) -> bool:
        return bool(self.first.malformed)


def continues(newer: Row, row: Row) -> bool:
    """Whether ``row`` continues a run of reads whose next-newer entry is
    ``newer``: the same read by the same person of the same thing, minutes apart."""
    return bool(
        labels.many(row.action, 2)
        and not row.malformed
        and not newer.malformed
        and row.action == newer.action
        and row.actor == newer.actor
        and row.target == newer.target
        and row.outcome == newer.outcome
        and newer.when is not None
        and row.when is not None
        and timedelta(0) <= newer.when - row.when <= GROUP_GAP
    )


# Details whose values are roles, shown by the role's name.
_ROLE_DETAILS = ("roles", "added_roles", "removed_roles")


def shown_details(row: Row, names: Names) -> list[tuple[str, str]]:
    """A row's details in the reader's words: each key by its label, coded
    values (a factor, a reason, a role) by theirs, staff by name or
    pseudonym; a problem found by a full check as its sentence."""
    problem = Problem.from_details(row.details) if "problem" in row.details else None
    shown = []
    for key, value in sorted(row.details.items()):
        if problem is not None and (
            key in ("problem", "entry", "findings") or key.startswith("fact_")
        ):
            continue
        shown.append((labels.detail(key), _detail_value(key, value, names)))
    if problem is not None:
        shown.append((labels.detail("problem"), problem.message))
    return shown


def _detail_value(key: str, value: Any, names: Names) -> str:
    if key in _ROLE_DETAILS and isinstance(value, list):
        roles = dict(Role.choices)
        return ", ".join(str(roles.get(item, item)) for item in value)
    if isinstance(value, str):
        coded = labels.detail_value(key, value)
        if coded is not None:
            return coded
    if isinstance(value, list) and key in labels.VALUES:
        return ", ".join(_detail_value(key, item, names) for item in value)
    return names.value(value)


def lines(viewer: User, page: Sequence[Row]) -> list[Line]:
    """The rows of a page (newest first) as the viewer reads them."""
    references = [row.actor for row in page] + [row.target for row in page]
    for row in page:
        references += [v for v in row.details.values() if isinstance(v, str) and _USER.match(v)]
    names = Names(viewer, references)
    shown: list[Line] = []
    for row in page:
        if shown and continues(shown[-1].last, row):
            shown[-1].rows.append(row)
            continue
        shown.append(
            Line(
                rows=[row],
                actor=names.actor(row.actor),
                target=names.target(row.target),
                label=labels.label(row.action),
                description=labels.description(row.action),
                details=shown_details(row, names),
            )
        )
    for line in shown:
        if len(line.rows) > 1:
            line.group_label = labels.many(line.first.action, len(line.rows)) or line.label
    return shown


def staff_choices(viewer: User) -> list[tuple[str, str]]:
    """Everyone who can appear as an actor, as the viewer may name them."""
    users = list(User.objects.order_by("pk").values_list("pk", flat=True))
    names = Names(viewer, [f"user:{pk}" for pk in users])
    people = sorted(((f"user:{pk}", names.person(pk)) for pk in users), key=lambda c: c[1])
    return [(ref, str(text)) for ref, text in SPECIAL_ACTORS.items()] + people
