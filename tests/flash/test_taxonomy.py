"""The shipped make/model reference: size, shape, consistency."""

from __future__ import annotations

from collections import defaultdict

import pytest

from twinflash.flash.taxonomy import BODY_TYPES, clean, load_taxonomy, phonetic


def test_reference_is_big_enough() -> None:
    tax = load_taxonomy()
    assert len(tax.makes) >= 40
    assert len(tax.models) >= 300
    assert {m.make for m in tax.models} == set(tax.makes)


def test_every_model_has_body_types_and_a_weight() -> None:
    for entry in load_taxonomy().models:
        assert entry.body_types, entry
        assert set(entry.body_types) <= set(BODY_TYPES), entry
        assert entry.weight > 0, entry


def test_no_alias_names_two_models_of_one_make() -> None:
    tax = load_taxonomy()
    seen: dict[tuple[str, str], set[str]] = defaultdict(set)
    for entry in tax.models:
        for alias in (entry.model, *entry.aliases):
            under, _, text = alias.rpartition(":")
            seen[(under or entry.make, clean(text))].add(entry.model)
    clashes = {k: v for k, v in seen.items() if len(v) > 1}
    assert not clashes


def test_no_make_alias_names_two_makes() -> None:
    owner: dict[str, str] = {}
    for make, aliases in load_taxonomy().makes.items():
        for alias in (make, *aliases):
            key = clean(alias)
            assert owner.setdefault(key, make) == make, (alias, owner[key], make)


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("B.M.W.", "BMW"),
        ("Mercedes-Benz", "MERCEDES BENZ"),
        ("Citroën", "CITROEN"),
        ("ŠKODA", "SKODA"),
        ("206+", "206 PLUS"),
        ("CEE'D", "CEED"),
        ("  c 220   bluetec ", "C 220 BLUETEC"),
        ("V W", "VW"),
        ("LYNK & CO", "LYNK AND CO"),
    ],
)
def test_clean(raw: str, cleaned: str) -> None:
    assert clean(raw) == cleaned


@pytest.mark.parametrize(
    ("a", "b"),
    [("reneau", "RENAULT"), ("SITROEN", "CITROEN"), ("PEUGEAUT", "PEUGEOT"), ("GALAXIE", "GALAXY")],
)
def test_phonetic_keys_meet(a: str, b: str) -> None:
    assert phonetic(a) == phonetic(b)


def test_phonetic_keys_keep_different_names_apart() -> None:
    assert phonetic("CLIO") != phonetic("CAPTUR")
    assert phonetic("POLO") != phonetic("GOLF")
