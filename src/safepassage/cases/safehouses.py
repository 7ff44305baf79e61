"""Safe houses: adding and changing them, and saying who may know where
each one is. Named actions, each audited; a change made on an older
version of a house is refused (``Conflict``) and saves nothing.

Who sees what (cases.access): staff who work with safe houses see every
house by its label, its beds and how many are taken; the region too if
the organisation chose to show it. Where a house is (address,
directions, host, and the region when sealed) is read only by the staff
cleared for it, by name or through a team, who hold identity's keys.
Managing houses does not clear anyone: the person who adds a house is
cleared for it, and clearing oneself for another is an audited change
like any other.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from safepassage.accounts.access import deny
from safepassage.accounts.models import Team, User
from safepassage.accounts.roles import ROLE_PERMISSIONS, Perm
from safepassage.audit.chain import record
from safepassage.cases.access import may_know_location
from safepassage.cases.models import SafeHouse
from safepassage.vault.keyring import current_keyring_or_none

MAX_CAPACITY = 500
# Most refs an audit detail list holds.
AUDIT_LIST = 32


class Refused(Exception):
    """An action that cannot be done as asked; ``message`` says why, in
    the reader's language. Nothing was saved."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        # The form field it is about, if one.
        self.field = field


class Conflict(Refused):
    """Someone changed the record since the form was shown."""


def conflict() -> Conflict:
    return Conflict(
        _(
            "Someone else changed this while you were editing it. Nothing was saved: "
            "here is what it says now; make your change again if it is still needed."
        )
    )


@dataclass(frozen=True)
class Location:
    """Where a house is (identity). ``region_shown``: the organisation
    chose to show the region to everyone who sees houses (stored plain)."""

    region: str = ""
    region_shown: bool = False
    address: str = ""
    directions: str = ""
    host_contact: str = ""


@dataclass(frozen=True)
class HouseDetails:
    """What a form gives for a house. ``notes`` None: not changed (the
    person does not hold casework); ``location`` None: not changed (the
    person may not know where the house is)."""

    label: str
    capacity: int
    active: bool = True
    notes: str | None = None
    location: Location | None = None


def _text(value: str) -> str | None:
    return value.strip() or None


def _write_location(house: SafeHouse, location: Location) -> None:
    region = location.region.strip()
    house.region_shown = region if location.region_shown else ""
    house.region = None if location.region_shown else (region or None)
    house.address = _text(location.address)
    house.directions = _text(location.directions)
    house.host_contact = _text(location.host_contact)


def read_location(house: SafeHouse) -> Location:
    """Where a house is (the caller checked may_know_location)."""
    return Location(
        region=house.region_shown or house.region or "",
        region_shown=bool(house.region_shown),
        address=house.address or "",
        directions=house.directions or "",
        host_contact=house.host_contact or "",
    )


def _check_label(label: str, house: SafeHouse | None = None) -> str:
    label = " ".join(label.split())
    if not label:
        raise Refused(_("Give the house a label."), "label")
    same = SafeHouse.objects.filter(label__iexact=label)
    if house is not None:
        same = same.exclude(pk=house.pk)
    if same.exists():
        raise Refused(_("Another house already has this label: choose another."), "label")
    return label


def _check_capacity(capacity: int) -> None:
    if not 1 <= capacity <= MAX_CAPACITY:
        raise Refused(
            _("A house has between 1 and %(most)s beds.") % {"most": MAX_CAPACITY}, "capacity"
        )


def _holds(compartment: str) -> bool:
    keyring = current_keyring_or_none()
    return keyring is not None and keyring.holds(compartment)


@transaction.atomic
def create_house(details: HouseDetails, *, by: User) -> SafeHouse:
    """Add a house; whoever adds it is cleared for it."""
    if not by.can(Perm.MANAGE_SAFE_HOUSES):
        raise deny(by, "safehouse", "safehouse:new")
    if details.location is not None and not _holds("identity"):
        raise deny(by, "compartment", "compartment:identity")
    _check_capacity(details.capacity)
    house = SafeHouse(label=_check_label(details.label), capacity=details.capacity, created_by=by)
    if details.location is not None:
        _write_location(house, details.location)
    if details.notes is not None:
        house.notes = _text(details.notes)
    house.save(force_insert=True)
    house.cleared_staff.add(by)
    record(
        by,
        "safehouse.created",
        house,
        capacity=house.capacity,
        location=details.location is not None and bool(details.location.address.strip()),
        region_shown=bool(house.region_shown),
    )
    return house


def _locked(house: SafeHouse, version: int) -> SafeHouse:
    locked = SafeHouse.objects.select_for_update().get(pk=house.pk)
    if locked.version != version:
        raise conflict()
    return locked


@transaction.atomic
def change_house(house: SafeHouse, details: HouseDetails, *, version: int, by: User) -> SafeHouse:
    """Change a house's label, beds, whether it is open, its notes and
    (for those who may know it) where it is."""
    if not by.can(Perm.MANAGE_SAFE_HOUSES):
        raise deny(by, "safehouse", house)
    locked = _locked(house, version)
    if details.location is not None and not may_know_location(by, locked):
        raise deny(by, "safehouse.location", locked)
    label = _check_label(details.label, locked)
    _check_capacity(details.capacity)
    fields = ["label", "capacity", "active", "version"]
    renamed = label != locked.label
    locked.label, locked.capacity, locked.active = label, details.capacity, details.active
    if details.location is not None:
        _write_location(locked, details.location)
        fields += ["region", "region_shown", "address", "directions", "host_contact"]
    if details.notes is not None:
        locked.notes = _text(details.notes)
        fields.append("notes")
    locked.version += 1
    locked.save(update_fields=fields)
    record(
        by,
        "safehouse.changed",
        locked,
        capacity=locked.capacity,
        open=locked.active,
        renamed=renamed,
        location=details.location is not None,
        notes=details.notes is not None,
        region_shown=bool(locked.region_shown),
    )
    return locked


def _refs(items: Iterable[User | Team]) -> list[str]:
    return sorted(f"{item._meta.model_name}:{item.pk}" for item in items)


@transaction.atomic
def set_clearance(
    house: SafeHouse,
    *,
    staff: Iterable[User],
    teams: Iterable[Team],
    version: int,
    by: User,
) -> SafeHouse:
    """Say who may know where ``house`` is: these staff and these teams' members."""
    if not by.can(Perm.MANAGE_SAFE_HOUSES):
        raise deny(by, "safehouse", house)
    locked = _locked(house, version)
    staff, teams = set(staff), set(teams)
    before_staff, before_teams = set(locked.cleared_staff.all()), set(locked.cleared_teams.all())
    locked.cleared_staff.set(staff)
    locked.cleared_teams.set(teams)
    locked.version += 1
    locked.save(update_fields=["version"])
    added = _refs((staff - before_staff) | (teams - before_teams))
    removed = _refs((before_staff - staff) | (before_teams - teams))
    record(
        by,
        "safehouse.clearance_changed",
        locked,
        added=added[:AUDIT_LIST],
        removed=removed[:AUDIT_LIST],
        staff=len(staff),
        teams=len(teams),
    )
    return locked


def clearable_staff() -> QuerySet[User]:
    """Active staff whose roles work with safe houses: those who can be cleared."""
    roles = [role for role, perms in ROLE_PERMISSIONS.items() if Perm.VIEW_SAFE_HOUSES in perms]
    return User.objects.filter(is_active=True, role_grants__role__in=roles).distinct()


def holds_casework() -> bool:
    return _holds("casework")


def holds_identity() -> bool:
    return _holds("identity")
