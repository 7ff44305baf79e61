"""Receipts: the only thing a person keeps to come back.

A receipt is eight words drawn at random from a 2,048-word list in the
person's language (BIP-39 lists: English, Russian, French), 88 bits, shown
once. The server stores a keyed hash of it to find the request again, and a
public key derived from it with Argon2id, so staff replies can be sealed to
the person; only the receipt opens them.
"""

from __future__ import annotations

import functools
import math
import secrets
import unicodedata

from django.conf import settings
from django.utils.crypto import salted_hmac
from mnemonic import Mnemonic

from safepassage.vault import crypto

WORDLISTS = {"en": "english", "ru": "russian", "fr": "french"}
MIN_BITS = 80


@functools.cache
def wordlist(language: str) -> tuple[str, ...]:
    words = tuple(Mnemonic(WORDLISTS.get(language, "english")).wordlist)
    if len({normalise(word) for word in words}) != len(words):
        raise RuntimeError(f"the {language} word list is ambiguous once normalised")
    return words


def words_needed(language: str) -> int:
    return math.ceil(MIN_BITS / math.log2(len(wordlist(language))))


def new_receipt(language: str) -> str:
    words = wordlist(language)
    return " ".join(secrets.choice(words) for _ in range(words_needed(language)))


def normalise(text: str) -> str:
    """Case, accents, the Russian yo (written as ie), spaces and punctuation
    between words do not matter."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("\u0451", "\u0435"))
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    cleaned = "".join(ch if ch.isalpha() else " " for ch in letters)
    return " ".join(cleaned.split())


def looks_like_receipt(text: str) -> bool:
    words = normalise(text).split()
    return 6 <= len(words) <= 12 and all(2 <= len(word) <= 12 for word in words)


def lookup(receipt: str) -> str:
    """What the database stores to find a request by its receipt."""
    return salted_hmac(
        "safepassage.intake.receipt", normalise(receipt), algorithm="sha256"
    ).hexdigest()


def person_private_key(receipt: str, salt: bytes) -> bytes:
    """The person's private key. Argon2id here is light on purpose: the
    receipt's 88 random bits, not the cost, are what resist guessing."""
    return crypto.key_from_password(
        normalise(receipt),
        salt,
        settings.INTAKE_RECEIPT_ARGON2_OPSLIMIT,
        settings.INTAKE_RECEIPT_ARGON2_MEMLIMIT,
    )


def person_copy_key(private: bytes) -> bytes:
    """The key of the person's own copy of what they sent: derived from their
    private key, so the receipt opens it and nothing else does."""
    return crypto.derive_key(private, "safepassage.intake.person.copy")
