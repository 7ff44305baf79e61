"""Operations on the key hierarchy: user keys, grants, the key ceremony,
recovery by custodians, new versions for rotation.

Every public key read from the database is checked against its pin (an
HMAC with the server's secret) before anything is encrypted to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import shamir_mnemonic
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils.crypto import constant_time_compare, salted_hmac

from safepassage.audit.chain import record
from safepassage.vault import crypto
from safepassage.vault.errors import (
    NotInCompartment,
    NotInitialised,
    RecoveryFailed,
    Tampered,
    VaultError,
    WrongPassword,
)
from safepassage.vault.keyring import Bundle, Keyring
from safepassage.vault.models import (
    Compartment,
    CompartmentKey,
    KeyGrant,
    RecoveryKey,
    RecoveryWrap,
    UserKey,
)

_PIN_SALT = "safepassage.vault.pin"


# --- Pins: public keys the database cannot swap ------------------------------------


def pin(kind: str, *parts: object) -> str:
    message = "|".join([kind, *(p.hex() if isinstance(p, bytes) else str(p) for p in parts)])
    return salted_hmac(_PIN_SALT, message, algorithm="sha256").hexdigest()


def check_pin(stored: str, kind: str, *parts: object) -> None:
    secrets = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    message = "|".join([kind, *(p.hex() if isinstance(p, bytes) else str(p) for p in parts)])
    for secret in secrets:
        expected = salted_hmac(_PIN_SALT, message, secret=secret, algorithm="sha256").hexdigest()
        if constant_time_compare(stored, expected):
            return
    raise Tampered(f"the {kind} public key in the database is not the one this server made")


def verified_public_key(key: CompartmentKey) -> bytes:
    public = bytes(key.public_key)
    check_pin(key.pin, "compartment", key.compartment, key.version, public)
    return public


def _user_public_key(user_key: UserKey) -> bytes:
    public = bytes(user_key.public_key)
    check_pin(user_key.pin, "user", user_key.user_id, public)
    return public


# --- User keys -----------------------------------------------------------------


def _argon2_limits() -> tuple[int, int]:
    return settings.VAULT_ARGON2_OPSLIMIT, settings.VAULT_ARGON2_MEMLIMIT


def _user_key_context(user_id: int) -> bytes:
    return f"safepassage.vault.userkey:{user_id}".encode()


def _store_user_key(user_id: int, password: str, pair: crypto.KeyPair) -> UserKey:
    opslimit, memlimit = _argon2_limits()
    salt = crypto.new_salt()
    kek = crypto.key_from_password(password, salt, opslimit, memlimit)
    fields = {
        "public_key": pair.public,
        "pin": pin("user", user_id, pair.public),
        "salt": salt,
        "opslimit": opslimit,
        "memlimit": memlimit,
        "encrypted_private_key": crypto.encrypt(kek, pair.private, _user_key_context(user_id)),
    }
    user_key, _created = UserKey.objects.update_or_create(user_id=user_id, defaults=fields)
    return user_key


def create_user_key(user_id: int, password: str) -> bytes:
    """A new key pair for the user, its private half locked by the password."""
    pair = crypto.new_key_pair()
    _store_user_key(user_id, password, pair)
    return pair.private


def unlock_user_key(user_id: int, password: str) -> bytes:
    user_key = UserKey.objects.filter(user_id=user_id).first()
    if user_key is None:
        raise NotInitialised("this user has no key yet")
    kek = crypto.key_from_password(
        password, bytes(user_key.salt), user_key.opslimit, user_key.memlimit
    )
    try:
        private = crypto.decrypt(
            kek, bytes(user_key.encrypted_private_key), _user_key_context(user_id)
        )
    except Tampered:
        raise WrongPassword("the password does not open this user key") from None
    if not crypto.same(crypto.public_from_private(private), _user_public_key(user_key)):
        raise Tampered("the user key does not match its public key")
    return private


def unlock_or_create_user_key(user_id: int, password: str) -> bytes:
    try:
        return unlock_user_key(user_id, password)
    except NotInitialised:
        return create_user_key(user_id, password)


@transaction.atomic
def rewrap_user_key(user_id: int, old_password: str, new_password: str) -> None:
    """On a password change: a new key pair, every grant re-sealed to it.
    An old copy of the database and the old password open nothing new."""
    try:
        old_private = unlock_user_key(user_id, old_password)
    except NotInitialised:
        create_user_key(user_id, new_password)
        return
    pair = crypto.new_key_pair()
    for grant in KeyGrant.objects.filter(user_id=user_id).select_for_update():
        raw = crypto.open_sealed(old_private, bytes(grant.wrapped))
        grant.wrapped = crypto.seal_to(pair.public, raw)
        grant.save(update_fields=["wrapped"])
    _store_user_key(user_id, new_password, pair)


@transaction.atomic
def forget_user_key(user_id: int) -> int:
    """After a password reset by someone else the old private key cannot be
    opened: drop it and the grants sealed to it. Returns how many grants
    were lost; members or custodians grant again. No data is lost."""
    lost, _ = KeyGrant.objects.filter(user_id=user_id).delete()
    UserKey.objects.filter(user_id=user_id).delete()
    return lost


def open_keyring(user_id: int, password: str) -> Keyring:
    """At login: unlock the user's key (creating it on first login) and open
    their grants. A key that the password no longer opens (a password set
    around the vault) is replaced; its grants must be given again."""
    try:
        private = unlock_or_create_user_key(user_id, password)
    except WrongPassword:
        lost = forget_user_key(user_id)
        record(f"user:{user_id}", "vault.user_key_replaced", f"user:{user_id}", grants_lost=lost)
        private = create_user_key(user_id, password)
    return keyring_for(user_id, private)


# --- Compartment keys ------------------------------------------------------------


def current_key(compartment: str) -> CompartmentKey:
    """The version new data is written with. Every sealed write asks, so this
    is one plain statement rather than an ORM query (a tenth of the cost)."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote('id')}, {quote('version')}, {quote('public_key')}, {quote('pin')}, "  # noqa: S608
            f"{quote('created')} FROM {quote(CompartmentKey._meta.db_table)} "
            f"WHERE {quote('compartment')} = %s AND {quote('current')} = %s",
            [compartment, True],
        )
        row = cursor.fetchone()
    if row is None:
        raise NotInitialised("the key ceremony has not been held (safepassage keys init)")
    key_id, version, public_key, key_pin, created = row
    return CompartmentKey(
        id=key_id,
        compartment=compartment,
        version=version,
        public_key=bytes(public_key),
        pin=key_pin,
        created=created,
        current=True,
    )


def is_initialised() -> bool:
    return RecoveryKey.objects.exists()


def keyring_for(user_id: int, private: bytes) -> Keyring:
    """Open every grant of the user with their private key."""
    bundles = []
    grants = KeyGrant.objects.filter(user_id=user_id).select_related("key")
    for grant in grants:
        public = verified_public_key(grant.key)
        raw = crypto.open_sealed(private, bytes(grant.wrapped))
        bundles.append(Bundle.from_bytes(grant.key.compartment, grant.key.version, raw, public))
    return Keyring(bundles, owner=f"user:{user_id}")


def _seal_bundle_to_user(bundle: Bundle, key: CompartmentKey, user_id: int) -> None:
    user_key = UserKey.objects.filter(user_id=user_id).first()
    if user_key is None:
        raise NotInitialised("this person has no key yet: they must log in once first")
    wrapped = crypto.seal_to(_user_public_key(user_key), bundle.to_bytes())
    KeyGrant.objects.update_or_create(user_id=user_id, key=key, defaults={"wrapped": wrapped})


def members(compartment: str) -> set[int]:
    """Users holding the compartment's current version."""
    return set(
        KeyGrant.objects.filter(key__compartment=compartment, key__current=True).values_list(
            "user_id", flat=True
        )
    )


@transaction.atomic
def grant(keyring: Keyring, compartment: str, user_id: int, *, by: object) -> int:
    """Give ``user_id`` every version of the compartment that ``keyring`` holds
    (the current one at least). Returns the number of versions granted."""
    current = current_key(compartment)
    if not keyring.holds(compartment, current.version):
        raise NotInCompartment(f"you do not hold the {compartment} compartment")
    keys = CompartmentKey.objects.filter(compartment=compartment)
    granted = 0
    for key in keys:
        if keyring.holds(compartment, key.version):
            _seal_bundle_to_user(keyring.bundle(compartment, key.version), key, user_id)
            granted += 1
    record(by, "vault.granted", f"user:{user_id}", compartment=compartment, versions=granted)
    return granted


@transaction.atomic
def revoke(compartment: str, user_id: int, *, by: object) -> int:
    removed, _ = KeyGrant.objects.filter(user_id=user_id, key__compartment=compartment).delete()
    record(by, "vault.revoked", f"user:{user_id}", compartment=compartment, versions=removed)
    return removed


# --- The key ceremony and recovery ----------------------------------------------


def _recovery_public_key() -> tuple[RecoveryKey, bytes]:
    recovery = RecoveryKey.objects.order_by("-pk").first()
    if recovery is None:
        raise NotInitialised("the key ceremony has not been held (safepassage keys init)")
    public = bytes(recovery.public_key)
    check_pin(recovery.pin, "recovery", recovery.threshold, recovery.shares, public)
    return recovery, public


def _store_version(bundle: Bundle, recovery: RecoveryKey, recovery_public: bytes) -> CompartmentKey:
    public = bundle.public_key
    key = CompartmentKey.objects.create(
        compartment=bundle.compartment,
        version=bundle.version,
        public_key=public,
        pin=pin("compartment", bundle.compartment, bundle.version, public),
        current=False,
    )
    RecoveryWrap.objects.create(
        key=key, recovery_key=recovery, wrapped=crypto.seal_to(recovery_public, bundle.to_bytes())
    )
    return key


@transaction.atomic
def hold_ceremony(
    *, custodians: int, threshold: int, grant_to: Sequence[int] = (), by: object = "cli"
) -> tuple[list[str], Keyring]:
    """Create the recovery key (returned as one SLIP-39 share per custodian,
    shown once) and the first version of every compartment. Returns the
    shares and the new keys, so the caller can grant them."""
    if RecoveryKey.objects.exists():
        raise VaultError("the key ceremony was already held; keys exist")
    if not 1 <= threshold <= custodians <= 16:
        raise VaultError("need 1 <= threshold <= custodians <= 16")
    pair = crypto.new_key_pair()
    recovery = RecoveryKey.objects.create(
        public_key=pair.public,
        threshold=threshold,
        shares=custodians,
        pin=pin("recovery", threshold, custodians, pair.public),
    )
    groups = shamir_mnemonic.generate_mnemonics(
        group_threshold=1, groups=[(threshold, custodians)], master_secret=pair.private
    )
    keyring = Keyring(owner="ceremony")
    # Intake and identity share their blind-index key, so the same contact
    # handle is recognised in a request and in a case.
    contacts_index = crypto.random_key()
    shared = {Compartment.INTAKE, Compartment.IDENTITY}
    for compartment in Compartment.values:
        index_key = contacts_index if compartment in shared else None
        bundle = Bundle.generate(compartment, 1, index_key=index_key)
        key = _store_version(bundle, recovery, pair.public)
        key.current = True
        key.save(update_fields=["current"])
        keyring.add(bundle)
        for user_id in grant_to:
            _seal_bundle_to_user(bundle, key, user_id)
    record(
        by,
        "vault.ceremony_held",
        f"recoverykey:{recovery.pk}",
        threshold=threshold,
        custodians=custodians,
        granted=sorted(grant_to),
    )
    return groups[0], keyring


def recover(shares: Iterable[str]) -> Keyring:
    """Open every compartment version with K custodian shares."""
    recovery, public = _recovery_public_key()
    words = [" ".join(share.split()) for share in shares if share.strip()]
    if len(words) < recovery.threshold:
        raise RecoveryFailed(f"{recovery.threshold} shares are needed, {len(words)} were given")
    try:
        private = shamir_mnemonic.combine_mnemonics(words)
    except shamir_mnemonic.MnemonicError as error:
        raise RecoveryFailed(f"the shares do not combine: {error}") from None
    if len(private) != crypto.KEY_BYTES or not crypto.same(
        crypto.public_from_private(private), public
    ):
        raise RecoveryFailed("these shares belong to another recovery key")
    keyring = Keyring(owner="recovery")
    wraps = RecoveryWrap.objects.filter(recovery_key=recovery).select_related("key")
    for wrap in wraps:
        key_public = verified_public_key(wrap.key)
        raw = crypto.open_sealed(private, bytes(wrap.wrapped))
        keyring.add(Bundle.from_bytes(wrap.key.compartment, wrap.key.version, raw, key_public))
    return keyring


@transaction.atomic
def add_version(keyring: Keyring, compartment: str) -> CompartmentKey:
    """A new version of a compartment's keys, current from now on, granted to
    everyone who holds the version it replaces and wrapped to the recovery key.
    The blind-index key carries over, so indexes stay valid."""
    old = current_key(compartment)
    old_bundle = keyring.bundle(compartment, old.version)
    version = (
        CompartmentKey.objects.filter(compartment=compartment).aggregate(Max("version"))[
            "version__max"
        ]
        + 1
    )
    recovery, recovery_public = _recovery_public_key()
    bundle = Bundle.generate(compartment, version, index_key=old_bundle.index_key)
    key = _store_version(bundle, recovery, recovery_public)
    CompartmentKey.objects.filter(pk=old.pk).update(current=False)
    key.current = True
    key.save(update_fields=["current"])
    for user_id in KeyGrant.objects.filter(key=old).values_list("user_id", flat=True):
        _seal_bundle_to_user(bundle, key, user_id)
    keyring.add(bundle)
    return key
