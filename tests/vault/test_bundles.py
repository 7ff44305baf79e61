"""Bundles sealed to a partner organisation's key and signed with ours
(vault.bundles): only the partner opens one; a changed byte, a bundle cut
short, another key, or a signature that is not the sender's is refused;
a bundle re-sealed to a third organisation is refused there."""

from __future__ import annotations

import pytest

from safepassage.vault import bundles, crypto
from safepassage.vault.errors import Tampered


def test_only_the_partner_opens_what_was_sealed_to_them() -> None:
    ours, theirs, other = (bundles.ExchangeSecret.generate() for _ in range(3))
    sealed = bundles.seal_bundle_for(theirs.public, b"the case", ours)
    assert sealed.startswith(b"SPBUNDLE\x01")
    assert b"the case" not in sealed
    opened = bundles.open_bundle(theirs, sealed)
    assert opened.payload == b"the case"
    assert opened.sender == ours.public.verify
    with pytest.raises(bundles.BundleRefused):
        bundles.open_bundle(other, sealed)
    assert bundles.open_bundle_with_any([other, theirs], sealed).payload == b"the case"
    with pytest.raises(bundles.BundleRefused):
        bundles.open_bundle_with_any([], sealed)


def test_two_bundles_of_the_same_case_differ() -> None:
    ours, theirs = bundles.ExchangeSecret.generate(), bundles.ExchangeSecret.generate()
    first = bundles.seal_bundle_for(theirs.public, b"same", ours)
    assert first != bundles.seal_bundle_for(theirs.public, b"same", ours)


def test_a_signature_binds_the_sender_and_the_recipient() -> None:
    ours, theirs, third = (bundles.ExchangeSecret.generate() for _ in range(3))
    sealed = bundles.seal_bundle_for(theirs.public, b"for them only", ours)
    header = bundles.HEADER
    inner = crypto.open_with_context(theirs.box_private, sealed[len(header) :], header)
    # The recipient sends it on to a third organisation, as if we had.
    resent = header + crypto.seal_with_context(third.public.box, inner, header)
    with pytest.raises(bundles.BundleRefused, match="signature"):
        bundles.open_bundle(third, resent)
    # Someone claims it as theirs with their own key, keeping our signature.
    claimed = third.public.verify + inner[32:]
    assert claimed != inner
    forged = header + crypto.seal_with_context(theirs.public.box, claimed, header)
    with pytest.raises(bundles.BundleRefused, match="signature"):
        bundles.open_bundle(theirs, forged)
    cut = header + crypto.seal_with_context(theirs.public.box, inner[:90], header)
    with pytest.raises(bundles.BundleRefused, match="cut short"):
        bundles.open_bundle(theirs, cut)


def test_what_is_not_a_bundle_is_refused() -> None:
    theirs = bundles.ExchangeSecret.generate()
    for data in (b"", b"SPBUNDLE", b"SPBUNDLE\x02" + bytes(200), b"PK\x03\x04" + bytes(200)):
        with pytest.raises(bundles.BundleRefused):
            bundles.open_bundle(theirs, data)


def test_a_partner_key_is_pinned_to_its_partner() -> None:
    key = bundles.ExchangeSecret.generate().public
    pin = bundles.pin_partner_key("partnerorganisation:1", key)
    bundles.check_partner_key(pin, "partnerorganisation:1", key)
    with pytest.raises(Tampered):
        bundles.check_partner_key(pin, "partnerorganisation:2", key)
    with pytest.raises(Tampered):
        bundles.check_partner_key(pin, "partnerorganisation:1", bundles.PartnerKey(key.box))


def test_a_fingerprint_reads_aloud_the_same_on_both_sides() -> None:
    key = bundles.ExchangeSecret.generate().public
    text = bundles.partner_key_text(key)
    printed = bundles.fingerprint(key)
    assert bundles.fingerprint(bundles.parse_partner_key(text)) == printed
    groups = printed.split(" ")
    assert len(groups) == 8
    assert all(len(group) == 4 for group in groups)
    assert repr(bundles.ExchangeSecret.generate()) == "<ExchangeSecret>"
    with pytest.raises(Tampered):
        bundles.ExchangeSecret.from_bytes(bytes(63))
