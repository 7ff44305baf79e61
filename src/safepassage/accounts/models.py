"""Staff: the organisation, its teams, people's roles and second factors."""

from __future__ import annotations

import secrets
from functools import cached_property

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.plugins.otp_totp.models import TOTPDevice

from safepassage.accounts.roles import Perm, Role, permissions_for
from safepassage.vault.fields import (
    BlindIndexField,
    EncryptedTextField,
    SealedModel,
    normalise_exact,
)
from safepassage.vault.models import Compartment
from safepassage.vault.server_sealed import open_with_server_key, seal_with_server_key


class Organisation(models.Model):
    """The one organisation this installation serves."""

    name = models.CharField(_("name"), max_length=120)

    class Meta:
        verbose_name = _("organisation")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def current(cls) -> Organisation:
        organisation = cls.objects.order_by("pk").first()
        if organisation is None:
            organisation = cls.objects.create(name="safepassage")
        return organisation


class Team(models.Model):
    name = models.CharField(_("name"), max_length=80, unique=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")

    def __str__(self) -> str:
        return self.name


def new_session_generation() -> str:
    return secrets.token_hex(16)


class UserManager(BaseUserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(username=normalise_username(username or ""))


def normalise_username(username: str) -> str:
    return username.strip().lower()


# django-otp is untyped, so the stubs cannot see the reverse managers of its devices.
class User(AbstractBaseUser):  # type: ignore[django-manager-missing]
    """A member of staff. Logs in with a password and a second factor."""

    username = models.CharField(
        _("username"),
        max_length=40,
        unique=True,
        help_text=_("Lower-case letters, digits, dots and hyphens. Not a real name."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    must_change_password = models.BooleanField(default=False)
    # Part of the session hash: a new value ends every session of this user.
    session_generation = models.CharField(max_length=32, default=new_session_generation)
    date_joined = models.DateTimeField(default=timezone.now)
    teams = models.ManyToManyField(Team, through="Membership", related_name="members")

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        ordering = ["username"]
        verbose_name = _("staff member")

    def __str__(self) -> str:
        return self.username

    @cached_property
    def roles(self) -> frozenset[str]:
        # .all() uses a prefetch_related("role_grants") cache when there is one.
        return frozenset(grant.role for grant in self.role_grants.all())

    @cached_property
    def permissions(self) -> frozenset[Perm]:
        return permissions_for(set(self.roles)) if self.is_active else frozenset()

    def can(self, perm: Perm) -> bool:
        return perm in self.permissions

    def has_role(self, role: Role) -> bool:
        return role.value in self.roles

    @cached_property
    def team_ids(self) -> frozenset[int]:
        return frozenset(self.memberships.values_list("team_id", flat=True))

    def role_labels(self) -> list[str]:
        return [str(Role(role).label) for role in sorted(self.roles)]

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        # Django checks this hash on every request; it changes with the
        # password and with session_generation ("log out everywhere").
        key_salt = "safepassage.accounts.User.session_auth_hash"
        return salted_hmac(
            key_salt,
            f"{self.password}:{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


class RoleGrant(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "role"], name="one_grant_per_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.role}"


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    since = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "team"], name="one_membership_per_team"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.team_id}"


class Authenticator(TimestampMixin, ThrottlingMixin, Device):
    """An authenticator app (TOTP). django-otp's TOTPDevice keeps the secret
    in plaintext; here it is sealed with the server's key, bound to this row
    (vault.server_sealed), so a copy of the database alone does not reveal
    it. Checking a code is django-otp's own (time window, drift, each code
    once, throttling): only where the secret comes from differs.

    The secret is bound to the row and to its owner, so it cannot be moved
    to another person's row, nor the row to another person. django-otp
    names devices by a whole-number id, so the row is saved before its
    secret is sealed (twofactor.new_authenticator, in one transaction)."""

    sealed_secret = models.BinaryField()
    step = models.PositiveSmallIntegerField(default=30)
    t0 = models.BigIntegerField(default=0)
    digits = models.PositiveSmallIntegerField(choices=[(6, 6), (8, 8)], default=6)
    tolerance = models.PositiveSmallIntegerField(default=1)
    drift = models.SmallIntegerField(default=0)
    last_t = models.BigIntegerField(default=-1)

    class Meta(Device.Meta):
        verbose_name = _("authenticator")

    # django-otp's TOTP device code, which reads the secret as bin_key.
    verify_token = TOTPDevice.verify_token
    get_throttle_factor = TOTPDevice.get_throttle_factor
    config_url = TOTPDevice.config_url
    _read_str_from_settings = TOTPDevice._read_str_from_settings

    @property
    def bin_key(self) -> bytes:
        """The secret (opened for each use, never kept on the instance)."""
        place = authenticator_place(self.pk, self.user_id)
        return open_with_server_key(bytes(self.sealed_secret), place)

    def seal_secret(self, secret: bytes) -> None:
        if self.pk is None:
            raise ValueError("save the authenticator before sealing its secret")
        self.sealed_secret = seal_with_server_key(
            secret, authenticator_place(self.pk, self.user_id)
        )


def authenticator_place(device_id: int, user_id: int) -> bytes:
    """What an authenticator's sealed secret is bound to: its row and owner."""
    return f"accounts.authenticator.sealed_secret:{device_id}:user:{user_id}".encode()


class RecoveryCodeDevice(TimestampMixin, ThrottlingMixin, Device):
    """One-time recovery codes, kept only as SHA-256 digests. Each code has
    80 random bits, so a digest cannot be reversed by guessing."""

    class Meta(Device.Meta):
        verbose_name = _("recovery codes")

    def verify_token(self, token: str) -> bool:
        from safepassage.accounts.recovery import digest, normalise

        allowed, _info = self.verify_is_allowed()
        if not allowed:
            return False
        code = normalise(token)
        used = 0
        if code:
            # The conditional update is the single use: two requests racing
            # with the same code cannot both succeed.
            used = self.codes.filter(digest=digest(code), used_at__isnull=True).update(
                used_at=timezone.now()
            )
        if used:
            self.throttle_reset(commit=False)
            self.set_last_used_timestamp(commit=False)
            self.save()
            return True
        self.throttle_increment(commit=True)
        return False

    def get_throttle_factor(self) -> int:
        return 1

    def remaining(self) -> int:
        return self.codes.filter(used_at__isnull=True).count()


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"recovery code {self.pk}"


class LoginThrottle(models.Model):
    """Failed password attempts for one bucket: an account (for browsers
    the account has not used before) or one trusted browser. The key is an
    HMAC, so the table names no one."""

    key = models.CharField(max_length=64, unique=True)
    failures = models.PositiveIntegerField(default=0)
    blocked_until = models.DateTimeField(null=True, blank=True)
    last_failure = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"throttle {self.pk}"


class StaffIdentity(SealedModel):
    """A staff member's real name and e-mail address: assets too, so they are
    encrypted to the staff compartment. The e-mail's blind index is keyed with
    the server's secret, so people can log in with it before any key is open."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="identity")
    name = EncryptedTextField(compartment=Compartment.STAFF, searchable=True)
    email = EncryptedTextField(compartment=Compartment.STAFF, null=True)
    email_index = BlindIndexField(
        source="email", compartment=Compartment.STAFF, server_keyed=True, normaliser=normalise_exact
    )

    class Meta:
        verbose_name = _("staff identity")

    def __str__(self) -> str:
        return f"identity of {self.user_id}"
