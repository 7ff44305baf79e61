"""Fuzzy search over encrypted names, for members only."""

from __future__ import annotations

import random
import uuid

import pytest
from django.db import transaction
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process

from safepassage.accounts import actions
from safepassage.vault import search as vault_search
from safepassage.vault.errors import NotInCompartment
from safepassage.vault.keyring import using_keyring
from safepassage.vault.models import SearchShard
from safepassage.vault.search import best_matches, normalise, search, shard_number
from tests.base import Organisation, Vault, keyring_of, sign_in
from tests.specimens.models import Specimen

pytestmark = pytest.mark.django_db


def test_names_match_across_alphabets_and_spellings(vault: Vault) -> None:
    with using_keyring(vault.keyring):
        magomed = Specimen.objects.create(name="Магомед Умаров")
        Specimen.objects.create(name="Zarema Aliyeva")
        Specimen.objects.create(name="Ruslan Dudayev")
        for query in ("Magomed Umarov", "Mahomed Umarov", "umarov magomed", "МАГОМЕД"):
            results = search(Specimen, "name", query)
            assert results, query
            assert results[0][0] == str(magomed.pk), query


def test_the_directory_is_encrypted(vault: Vault) -> None:
    with using_keyring(vault.keyring):
        Specimen.objects.create(name="Zelimkhan Sentinel")
    for shard in SearchShard.objects.all():
        assert b"sentinel" not in bytes(shard.ciphertext).lower()


def test_changes_and_deletions_reach_the_directory(vault: Vault) -> None:
    with using_keyring(vault.keyring):
        row = Specimen.objects.create(name="Aslan Beno")
        row.name = "Islam Beno"
        row.save()
        assert [key for key, _ in search(Specimen, "name", "Islam Beno")] == [str(row.pk)]
        assert search(Specimen, "name", "Aslan", cutoff=90) == []
        row.delete()
        assert search(Specimen, "name", "Islam Beno") == []


def test_a_row_deleted_without_keys_leaves_every_search(vault: Vault) -> None:
    with using_keyring(vault.keyring):
        row = Specimen.objects.create(name="Aslan Beno")
    Specimen.objects.filter(pk=row.pk).delete()  # a purge, with no keys at hand
    with using_keyring(vault.keyring):
        assert search(Specimen, "name", "Aslan Beno") == []
        # The next write to that shard drops the entry from the ciphertext.
        neighbour = uuid.uuid4()
        while shard_number(neighbour) != shard_number(row.pk):
            neighbour = uuid.uuid4()
        Specimen.objects.create(id=neighbour, name="Aslan Benoev")
    shard = SearchShard.objects.get(number=shard_number(row.pk))
    assert shard.removed == []
    with using_keyring(vault.keyring):
        assert [key for key, _ in search(Specimen, "name", "Aslan Beno")] == [str(neighbour)]


def test_it_writes_each_shard_once_for_rows_saved_in_a_batch(
    vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    sealed: list[int] = []
    seal = vault_search._seal
    monkeypatch.setattr(
        vault_search,
        "_seal",
        lambda shard, entries: (sealed.append(shard.number), seal(shard, entries)),
    )
    names = [f"Person {n} Batched" for n in range(200)]
    with using_keyring(vault.keyring):
        with transaction.atomic(), vault_search.batched():
            rows = [Specimen.objects.create(name=name) for name in names]
            assert sealed == []  # nothing written until the block ends
        assert len(sealed) == len(set(sealed)) == len({shard_number(r.pk) for r in rows})
        found = search(Specimen, "name", "Person 17 Batched", limit=1)
        assert found[0][0] == str(rows[17].pk)
        # A block that fails writes nothing.
        sealed.clear()

        def fails() -> None:
            with transaction.atomic(), vault_search.batched():
                Specimen.objects.create(name="Never Saved")
                raise RuntimeError

        with pytest.raises(RuntimeError):
            fails()
        assert sealed == []
        assert search(Specimen, "name", "Never Saved", cutoff=95) == []


def test_non_members_cannot_search(org: Organisation, vault: Vault) -> None:
    with using_keyring(vault.keyring):
        Specimen.objects.create(name="Aslan Beno")
    with using_keyring(keyring_of(org.outsider)), pytest.raises(NotInCompartment):
        search(Specimen, "name", "Aslan")


def test_normalisation() -> None:
    assert normalise("  Магомед-Али  Умаров ") == "magomed ali umarov"
    assert normalise("Zélimkhan") == "zelimkhan"


def test_administrators_find_staff_by_name(org: Organisation, vault: Vault, client: Client) -> None:
    with using_keyring(vault.keyring):
        actions.set_identity(org.caseworker, name="Лейла Мусаева", email="", by="cli")
        actions.set_identity(org.coordinator, name="Jean Dupont", email="", by="cli")
    sign_in(client, org.admin)
    html = client.get("/staff/", {"q": "Leila Musaeva"}).content.decode()
    assert "Лейла Мусаева" in html
    assert "Jean Dupont" not in html
    # Without the staff compartment there is neither search nor names.
    sign_in(client, org.auditor)
    html = client.get("/staff/", {"q": "Leila"}).content.decode()
    assert "Лейла" not in html
    assert 'name="q"' not in html


def test_the_directory_can_be_rebuilt_after_a_bulk_import(vault: Vault) -> None:
    from safepassage.vault.search import rebuild

    with using_keyring(vault.keyring):
        Specimen.objects.bulk_create(
            [Specimen(name="Хеда Ахмадова"), Specimen(name="Movsar Eldarov")]
        )  # bulk_create sends no signals: the directory does not know them yet
        assert search(Specimen, "name", "Kheda Akhmadova") == []
        assert rebuild(Specimen, "name") == 2
        assert len(search(Specimen, "name", "Kheda Akhmadova")) == 1


@settings(max_examples=150, deadline=None)
@given(
    wanted=st.text(alphabet="abcdemor ", min_size=1, max_size=12),
    names=st.lists(st.text(alphabet="abcdemor ", max_size=15), max_size=60),
    limit=st.integers(min_value=1, max_value=25),
    cutoff=st.sampled_from([0.0, 50.0, 70.0, 90.0]),
)
def test_ranking_is_rapidfuzz_extract(
    wanted: str, names: list[str], limit: int, cutoff: float
) -> None:
    """The ranking scored on every core is process.extract's (scores that
    differ only in the last bits of a float count as a tie, and ties go in
    list order)."""
    expected = process.extract(
        wanted, names, scorer=fuzz.WRatio, processor=None, limit=limit, score_cutoff=cutoff
    )
    got = best_matches(wanted, names, limit, cutoff)
    assert [round(score, 3) for _i, score in got] == [round(s, 3) for _n, s, _i in expected]
    assert got == sorted(got, key=lambda item: (-round(item[1], 3), item[0]))
    for index, score in got:
        assert round(fuzz.WRatio(wanted, names[index], processor=None), 3) == round(score, 3)


def test_a_long_list_is_scored_in_parts_as_a_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vault_search, "SCORING_THREADS", 3)
    rng = random.Random(3)  # noqa: S311 - invented names, not secrets
    syllables = ["ma", "go", "med", "za", "re", "ru", "slan", "ai", "dov", "ev", "kha"]
    names = [
        " ".join("".join(rng.choices(syllables, k=rng.randint(2, 4))) for _ in range(2))
        for _ in range(7001)
    ]
    for wanted in ("magomed zarema", "ruslan", names[6999], "khadov aiev"):
        expected = process.extract(
            wanted, names, scorer=fuzz.WRatio, processor=None, limit=20, score_cutoff=60
        )
        got = best_matches(wanted, names, 20, 60)
        assert [round(s, 3) for _i, s in got] == [round(s, 3) for _n, s, _i in expected]
        for index, score in got:
            assert round(fuzz.WRatio(wanted, names[index], processor=None), 3) == round(score, 3)
        assert len({i for i, _s in got}) == len(got)
