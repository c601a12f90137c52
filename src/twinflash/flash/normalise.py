"""Raw registry make/model text -> canonical (make, model) with a score in [0, 1].

Steps, each giving a score, the best kept:

1. cleaning (:func:`twinflash.flash.taxonomy.clean`): case, accents, punctuation,
   dotted acronyms;
2. the make: alias lookup, then fuzzy matching (rapidfuzz) on the text and on a rough
   French phonetic key; a make written inside the model field ("MINI COOPER" under BMW)
   wins over the D.1 field;
3. per-make rules: BMW engine codes (``320D`` -> Série 3), Mercedes class + engine
   (``C220`` -> Classe C), letter/digit splits (``A3SPORTBACK``);
4. the model, only among the matched make's models: an alias found as a token sequence,
   then an alias glued to trim words (``CLIORT``), then fuzzy matching of the leading
   words against that make's aliases.

Below :data:`ACCEPT` the answer is "unknown" rather than a guess.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

from rapidfuzz import fuzz, process

from twinflash.flash.taxonomy import Taxonomy, clean, load_taxonomy, phonetic

ACCEPT = 0.80  # answers scoring below this are "unknown"
FUZZY_MIN = 80.0  # rapidfuzz ratio (0-100) below which a fuzzy match is ignored
FUZZY_MARGIN = 6.0  # a fuzzy winner must beat the best other answer by this much

Status = Literal["matched", "make_only", "unknown"]


@cache
def noise_words() -> frozenset[str]:
    """Words that name an engine, a gearbox, a trim, a body or an edition, never a model
    (``data/noise_words.txt``)."""
    text = (resources.files("twinflash.flash") / "data" / "noise_words.txt").read_text("utf-8")
    return frozenset(
        w for line in text.splitlines() if not line.startswith("#") for w in line.split()
    )


_NUMERIC_NOISE = re.compile(r"^\d+(?:[.,]\d+)?(?:V|CH|CV|KW|CC|HP|PS|D|I|E|L|T|DS|TS|KWH)?$")
_BMW_CODE = re.compile(r"^M?([1-8])(\d{2})(?:[A-Z]{1,2})?$")
_LETTER_DIGIT = re.compile(r"(?<=[A-Z])(?=\d)|(?<=\d)(?=[A-Z])")


@dataclass(frozen=True, slots=True)
class Normalised:
    """The normaliser's answer: ``make``/``model`` are ``None`` when unknown."""

    make: str | None
    model: str | None
    score: float
    status: Status
    method: str

    @property
    def key(self) -> tuple[str, str]:
        return (self.make or "unknown", self.model or "unknown")


@dataclass(frozen=True, slots=True)
class _Hit:
    value: str
    score: float
    method: str
    rest: tuple[str, ...] = ()


class Normaliser:
    """Built once from a :class:`Taxonomy`; :meth:`normalise` is pure and thread-safe."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        # make alias (cleaned, tokens) -> canonical make
        self._make_alias: dict[tuple[str, ...], str] = {}
        for make, aliases in taxonomy.makes.items():
            for alias in (make, *aliases):
                self._make_alias[tuple(clean(alias).split())] = make
        self._make_keys = list(
            {" ".join(k).replace(" ", ""): m for k, m in self._make_alias.items()}.items()
        )
        self._make_choices = [k for k, _ in self._make_keys]
        self._make_phon = {phonetic(k): m for k, m in self._make_keys}
        # per make: alias tokens -> canonical model
        self._models: dict[str, dict[tuple[str, ...], str]] = {m: {} for m in taxonomy.makes}
        self._model_make: dict[tuple[str, str], str] = {}  # (make seen, model) -> real make
        self._weak: set[tuple[str, str]] = set()  # (make, joined alias) of weak aliases
        for entry in taxonomy.models:
            for alias in (entry.model, *entry.aliases):
                under, _, text = alias.rpartition(":")
                owner = self._make_alias.get(tuple(clean(under).split())) if under else entry.make
                if owner is None:
                    raise ValueError(f"alias {alias!r}: unknown make {under!r}")
                tokens = tuple(clean(text).split())
                self._models[owner][tokens] = entry.model
                if text.startswith("~"):  # weak: names the model only if nothing else does
                    self._weak.add((owner, "".join(tokens)))
                self._model_make[(owner, entry.model)] = entry.make
        # strong multi-word aliases by their first word, for reordered spellings
        self._multiword: dict[str, dict[str, list[tuple[tuple[str, ...], str]]]] = {}
        for make, table in self._models.items():
            index = self._multiword[make] = {}
            for alias, model in table.items():
                if len(alias) >= 2 and (make, "".join(alias)) not in self._weak:
                    index.setdefault(alias[0], []).append((alias, model))
        # longest alias in tokens, plus slack for aliases typed with extra spaces ("RS 3")
        self._window = 2 + max(len(t) for table in self._models.values() for t in table)
        self._joined = {
            make: {"".join(t): model for t, model in table.items()}
            for make, table in self._models.items()
        }
        self._fuzzy_keys = {
            make: [(" ".join(t).replace(" ", ""), model) for t, model in table.items()]
            for make, table in self._models.items()
        }
        self._phonetic_keys: dict[str, dict[str, set[str]]] = {}
        for make, fkeys in self._fuzzy_keys.items():
            table = self._phonetic_keys[make] = {}
            for key, model in fkeys:
                if len(key) >= 4:
                    table.setdefault(phonetic(key), set()).add(model)
        # model alias -> makes having it, to infer a make from the model alone
        self._alias_makes: dict[tuple[str, ...], set[str]] = {}
        for make, table in self._models.items():
            for tokens in table:
                self._alias_makes.setdefault(tokens, set()).add(make)

    # --- make ---------------------------------------------------------------------------

    def _leading_make(self, tokens: tuple[str, ...]) -> _Hit | None:
        """A make alias spelled by the first tokens (longest first)."""
        for n in range(min(4, len(tokens)), 0, -1):
            make = self._make_alias.get(tokens[:n])
            if make:
                return _Hit(make, 1.0, "make alias", tokens[n:])
        if len(tokens) >= 2:  # "MERCEDES BENZ" typed "MERCEDESBENZ" or "B M W" already joined
            joined = tokens[0] + tokens[1]
            make = self._make_alias.get((joined,))
            if make:
                return _Hit(make, 1.0, "make alias", tokens[2:])
        return None

    def _fuzzy_make(self, tokens: tuple[str, ...]) -> _Hit | None:
        best: _Hit | None = None
        for n in range(min(3, len(tokens)), 0, -1):
            text = "".join(tokens[:n])
            if len(text) < 4:
                continue  # one edit in three letters is too much to trust
            found = process.extract(text, self._make_choices, scorer=fuzz.ratio, limit=5)
            phon = phonetic(text)
            scored: dict[str, float] = {}
            for _key, ratio, idx in found:
                make = self._make_keys[idx][1]
                scored[make] = max(scored.get(make, 0.0), ratio)
            if phon in self._make_phon and len(phon) >= 3:
                make = self._make_phon[phon]
                scored[make] = max(scored.get(make, 0.0), 92.0)
            if not scored:
                continue
            ranked = sorted(scored.items(), key=lambda kv: -kv[1])
            make, ratio = ranked[0]
            runner = ranked[1][1] if len(ranked) > 1 else 0.0
            if ratio >= 85.0 and ratio - runner >= FUZZY_MARGIN:
                hit = _Hit(make, ratio / 100.0, "make fuzzy", tokens[n:])
                if best is None or hit.score > best.score:
                    best = hit
        return best

    # --- model --------------------------------------------------------------------------

    def _variants(self, make: str, tokens: tuple[str, ...]) -> list[tuple[str, ...]]:
        split = tuple(t for tok in tokens for t in _LETTER_DIGIT.split(tok) if t)
        out = [tokens, split]
        # letters read for digits in a number ("2OO8"): O -> 0, I -> 1
        digits = tuple(_as_number(t) for t in tokens)
        if digits != tokens:
            out.append(digits)
        if make == "BMW":
            bmw: list[str] = []
            for tok in tokens:
                m = _BMW_CODE.match(tok)
                bmw.extend(["SERIE", m.group(1), tok] if m else [tok])
            out.append(tuple(bmw))
        return out

    def _sequence_model(self, make: str, tokens: tuple[str, ...]) -> _Hit | None:
        """An alias spelled by consecutive tokens (or, for a multi-word alias, by tokens in
        another order: "C4 GRAND PICASSO").

        Preferred: a strong alias over a weak one (Mini's "COOPER" is a trim when a model
        is named), then one that opens the field (only engine/trim words before it), then
        the longest, then the earliest: "Q7 E-TRON" is a Q7. Two strong aliases of
        different models in one field ("LOGAN MCV STEPWAY") contradict each other: the
        score drops below acceptance rather than picking one.
        """
        table, joined = self._models[make], self._joined[make]
        found: list[tuple[tuple[bool, bool, int, int], str, int, int]] = []
        for start in range(len(tokens)):
            leading = all(_is_noise(t) for t in tokens[:start])
            for end in range(min(len(tokens), start + self._window), start, -1):
                alias = tokens[start:end]
                key = "".join(alias)
                model = table.get(alias) or joined.get(key)
                if model is None:
                    continue
                if len(key) == 1 and start != 0:
                    continue  # a lone letter (Mercedes "C") only leads the field
                strong = (make, key) not in self._weak
                found.append(((strong, leading, len(" ".join(alias)), -start), model, start, end))
        words = set(tokens)
        for word in words:  # reordered multi-word aliases
            for alias, model in self._multiword[make].get(word, ()):
                if set(alias) <= words:
                    found.append(((True, True, len(" ".join(alias)) + 1, 0), model, -1, -1))
        if not found:
            return None
        found.sort(key=lambda f: f[0], reverse=True)
        rank, model, start, end = found[0]
        used = set(tokens[start:end]) if start >= 0 else set(_alias_tokens(table, model))
        rest = [t for t in tokens if t not in used and not _is_noise(t)]
        score = 1.0 if not rest else 0.95
        for other_rank, other, o_start, o_end in found[1:]:
            if other != model and other_rank[0] and rank[0]:
                span = set(tokens[o_start:o_end]) if o_start >= 0 else set()
                if span and not span <= used:
                    return _Hit(model, 0.75, "alias, contradicted", tuple(rest))
        return _Hit(model, score, "alias", tuple(rest))

    def _glued_model(self, make: str, tokens: tuple[str, ...]) -> _Hit | None:
        """An alias glued to what follows it: CLIORT, GOLFGTI, 308GTLINE, C220CDI."""
        if not tokens:
            return None
        text = "".join(tokens)
        best: tuple[int, str] | None = None
        for key, model in self._fuzzy_keys[make]:
            if not key or not text.startswith(key) or len(key) == len(text):
                continue
            nxt = text[len(key)]
            if len(key) == 1 and not nxt.isdigit():
                continue
            if (
                len(key) <= 3
                and key.isalpha()
                and not nxt.isdigit()
                and text[len(key) :] not in noise_words()
            ):
                continue  # "CLA" is not the start of "CLASEA"
            if key[-1].isdigit() and nxt.isdigit():
                continue  # "20" is not a prefix of "208"
            if best is None or len(key) > best[0]:
                best = (len(key), model)
        return _Hit(best[1], 0.9, "alias glued") if best else None

    def _fuzzy_model(self, make: str, tokens: tuple[str, ...]) -> _Hit | None:
        # short numbers stay: "MODELE 3" must not read as "MODELE"
        words = [t for t in tokens if not _is_noise(t) or (t.isdigit() and len(t) <= 2)]
        if not words:
            return None
        keys = self._fuzzy_keys[make]
        choices = [k for k, _ in keys]
        best: _Hit | None = None
        for n in (1, 2, 3):
            if n > len(words):
                break
            text = "".join(words[:n])
            if len(text) < 3:
                continue
            scored: dict[str, float] = {}
            for _key, ratio, idx in process.extract(text, choices, scorer=fuzz.ratio, limit=8):
                model = keys[idx][1]
                scored[model] = max(scored.get(model, 0.0), ratio)
            for model in self._phonetic_keys[make].get(phonetic(text), ()):
                scored[model] = max(scored.get(model, 0.0), 90.0)
            ranked = sorted(scored.items(), key=lambda kv: -kv[1])
            if not ranked:
                continue
            model, ratio = ranked[0]
            runner = ranked[1][1] if len(ranked) > 1 else 0.0
            if ratio >= FUZZY_MIN and ratio - runner >= FUZZY_MARGIN:
                hit = _Hit(model, ratio / 100.0, "model fuzzy")
                if best is None or hit.score > best.score:
                    best = hit
        return best

    def _model(self, make: str, tokens: tuple[str, ...]) -> _Hit | None:
        variants = self._variants(make, tokens)
        for method in (self._sequence_model, self._glued_model, self._fuzzy_model):
            hits = [h for v in variants if (h := method(make, v))]
            if hits:
                return max(hits, key=lambda h: h.score)
        return None

    # --- entry point ----------------------------------------------------------------------

    def normalise(
        self, make: str, model: str, d2: str | None = None, cnit: str | None = None
    ) -> Normalised:
        """Map raw D.1 (make) and D.3 (trade name) to a canonical pair.

        ``d2`` (type/variant/version) is read only when D.3 gives no model; ``cnit`` is
        accepted for callers that have it and not used (its make codes are not public).
        """
        del cnit
        return _normalise_cached(self, make or "", model or "", d2 or "")

    def _normalise(self, make_raw: str, model_raw: str, d2: str) -> Normalised:
        make_tokens = tuple(clean(make_raw).split())
        model_tokens = tuple(clean(model_raw).split())
        make_hit = self._leading_make(make_tokens) if make_tokens else None
        if make_hit is None and make_tokens:
            make_hit = self._fuzzy_make(make_tokens)
        extra = make_hit.rest if make_hit else ()
        # a make spelled at the start of the model field: "RENAULT CLIO", "MINI COOPER"
        inner = self._leading_make(model_tokens) if model_tokens else None
        if inner is not None and make_hit is not None and inner.value == make_hit.value:
            own = self._model(make_hit.value, (*extra, *model_tokens))
            if (own is None or own.method != "alias") and inner.rest:
                model_tokens = inner.rest  # "RENAULT / RENAULT CLIO"; keeps "DS / DS 9"
        elif inner is not None:
            own = self._model(make_hit.value, (*extra, *model_tokens)) if make_hit else None
            if own is None or own.method != "alias":
                for candidate in (model_tokens, inner.rest):
                    if candidate and self._model(inner.value, candidate):
                        score = 0.95 if make_hit else 0.9
                        make_hit = _Hit(inner.value, score, "make in model field")
                        model_tokens, extra = candidate, ()
                        break
        if make_hit is None:
            return self._model_only(model_tokens)
        make = make_hit.value
        tokens = (*extra, *model_tokens)
        model_hit = self._model(make, tokens) if tokens else None
        if model_hit is None and d2:
            d2_hit = self._sequence_model(make, tuple(clean(d2).split()))
            model_hit = d2_hit and _Hit(d2_hit.value, 0.85, "alias in D.2")
        if model_hit is None:
            return self._make_only(make, make_hit.score, make_hit.method)
        score = round(make_hit.score * model_hit.score, 4)
        if score < ACCEPT:
            return self._make_only(make, make_hit.score, make_hit.method)
        real_make = self._model_make.get((make, model_hit.value), make)
        return Normalised(
            real_make, model_hit.value, score, "matched", f"{make_hit.method}+{model_hit.method}"
        )

    def _make_only(self, make: str, score: float, method: str) -> Normalised:
        if score < ACCEPT:
            return Normalised(None, None, round(score, 4), "unknown", method)
        return Normalised(make, None, round(score, 4), "make_only", method)

    def _model_only(self, tokens: tuple[str, ...]) -> Normalised:
        """No make: accept a model alias that exactly one make has."""
        for n in range(len(tokens), 0, -1):
            makes = self._alias_makes.get(tokens[:n])
            if makes and len(makes) == 1 and len("".join(tokens[:n])) >= 4:
                make = next(iter(makes))
                model = self._models[make][tokens[:n]]
                real = self._model_make.get((make, model), make)
                return Normalised(real, model, 0.85, "matched", "model alias, no make")
        return Normalised(None, None, 0.0, "unknown", "no make")


def _as_number(token: str) -> str:
    fixed = token.replace("O", "0").replace("I", "1")
    return fixed if fixed.isdigit() and any(c.isdigit() for c in token) else token


def _alias_tokens(table: dict[tuple[str, ...], str], model: str) -> set[str]:
    return {t for alias, m in table.items() if m == model for t in alias}


def _is_noise(token: str) -> bool:
    return token in noise_words() or bool(_NUMERIC_NOISE.match(token))


@lru_cache(maxsize=65536)
def _normalise_cached(normaliser: Normaliser, make: str, model: str, d2: str) -> Normalised:
    return normaliser._normalise(make, model, d2)


@cache
def default_normaliser() -> Normaliser:
    return Normaliser(load_taxonomy())


def normalise_vehicle(
    make: str, model: str, d2: str | None = None, cnit: str | None = None
) -> Normalised:
    """Normalise with the shipped taxonomy (see :class:`Normaliser`)."""
    return default_normaliser().normalise(make, model, d2, cnit)


# --- evaluation on a labelled file (benchmarks/normalise.py and the tests) -----------------


@dataclass(frozen=True, slots=True)
class LabelledRow:
    d1: str
    d3: str
    expected: tuple[str, str]  # (make, model), "unknown" where no answer is right
    kind: str


@dataclass(frozen=True, slots=True)
class Evaluation:
    total: int
    correct: int
    confidently_wrong: int
    missed: int
    by_kind: dict[str, tuple[int, int]]
    misses: list[str]

    @property
    def accuracy(self) -> float:
        return self.correct / self.total

    @property
    def wrong_rate(self) -> float:
        return self.confidently_wrong / self.total


def load_labelled(path: str | Path) -> list[LabelledRow]:
    """Read a CSV with columns d1, d3, expected_make, expected_model, kind."""
    with Path(path).open(encoding="utf-8", newline="") as fh:
        return [
            LabelledRow(r["d1"], r["d3"], (r["expected_make"], r["expected_model"]), r["kind"])
            for r in csv.DictReader(fh)
        ]


def evaluate(normaliser: Normaliser, rows: list[LabelledRow]) -> Evaluation:
    """Correct: the answer (with "unknown" parts) equals the label. Confidently wrong: an
    accepted answer (a make, or a make and model) that differs from the label."""
    correct = wrong = missed = 0
    by_kind: dict[str, list[int]] = {}
    misses: list[str] = []
    for row in rows:
        got = normaliser.normalise(row.d1, row.d3)
        kind = row.kind.split()[0]
        tally = by_kind.setdefault(kind, [0, 0])
        tally[1] += 1
        if got.key == row.expected:
            correct += 1
            tally[0] += 1
            continue
        exp_make, exp_model = row.expected
        confidently = (got.make is not None and got.make != exp_make) or (
            got.model is not None and got.model != exp_model
        )
        wrong += confidently
        missed += not confidently
        tag = "WRONG" if confidently else "unknown"
        misses.append(
            f"{tag}: {row.d1!r} / {row.d3!r} -> {got.key} {got.score} "
            f"({got.method}); expected {row.expected}"
        )
    return Evaluation(
        total=len(rows),
        correct=correct,
        confidently_wrong=wrong,
        missed=missed,
        by_kind={k: (v[0], v[1]) for k, v in by_kind.items()},
        misses=misses,
    )
