"""Authenticator secrets move from django-otp's TOTPDevice, which keeps them
in plaintext, to Authenticator, which keeps them sealed with the server's
key (vault.server_sealed). The secrets stay the same, so nobody enrols
again; sessions open during the upgrade end, since the device they were
verified with is gone, and people log in once more."""

import binascii

from django.db import migrations

from safepassage.accounts.models import authenticator_place
from safepassage.vault.server_sealed import open_with_server_key, seal_with_server_key

COPIED = [
    "user_id",
    "name",
    "confirmed",
    "throttling_failure_timestamp",
    "throttling_failure_count",
    "last_used_at",
    "step",
    "t0",
    "digits",
    "tolerance",
    "drift",
    "last_t",
]


def seal_secrets(apps, schema_editor):
    plain = apps.get_model("otp_totp", "TOTPDevice")
    sealed = apps.get_model("accounts", "Authenticator")
    for old in plain.objects.order_by("pk"):
        new = sealed.objects.create(
            sealed_secret=b"", **{name: getattr(old, name) for name in COPIED}
        )
        secret = binascii.unhexlify(old.key.encode())
        place = authenticator_place(new.pk, new.user_id)
        # created_at is set on insert (auto_now_add); keep the original.
        sealed.objects.filter(pk=new.pk).update(
            sealed_secret=seal_with_server_key(secret, place), created_at=old.created_at
        )
        old.delete()


def unseal_secrets(apps, schema_editor):
    plain = apps.get_model("otp_totp", "TOTPDevice")
    sealed = apps.get_model("accounts", "Authenticator")
    for new in sealed.objects.order_by("pk"):
        place = authenticator_place(new.pk, new.user_id)
        secret = open_with_server_key(bytes(new.sealed_secret), place)
        old = plain(key=secret.hex(), **{name: getattr(new, name) for name in COPIED})
        old.save(force_insert=True)
        plain.objects.filter(pk=old.pk).update(created_at=new.created_at)
        new.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_authenticator"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(seal_secrets, unseal_secrets)]
