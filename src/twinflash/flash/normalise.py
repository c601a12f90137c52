"""Raw registry make/model text -> canonical (make, model) with a score in [0, 1].

Steps, each giving a score, the best kept:

1. cleaning (:func:`twinflash.flash.taxonomy.clean`): case, accents, punctuation,
   dotted acronyms;
2. the make (:mod:`.makes`): alias lookup, then fuzzy matching (rapidfuzz) on the text
   and on a rough French phonetic key; a make written inside the model field ("MINI
   COOPER" under BMW) wins over the D.1 field; a make too far off to trust alone
   ("ADUI") is taken when exactly one near make has an alias spelling the model field;
3. per-make rules (:mod:`.vocab`): BMW engine codes (``320D`` -> Série 3), Iveco Daily
   type codes (``35S14``), Mercedes class + engine (``C220`` -> Classe C), letter/digit
   splits (``A3SPORTBACK``);
4. the model, only among the matched make's models: an alias found as a token sequence,
   then an alias glued to trim words (``CLIORT``), then fuzzy matching of the leading
   words (:mod:`.model_fuzzy`). An alias that leaves words a longer name could hold is
   checked against the make's longer names ("XSARA PICASO" -> Xsara Picasso) and, when
   none fits, scored below acceptance ("C4 AIRCROSS" without C4 Aircross in the
   reference); a family word alone ("CLASSE", "SERIE") names no model; a sub-brand in
   D.1 may start the name ("RANGE ROVER / SPORT").

Below :data:`ACCEPT` the answer is "unknown" rather than a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Literal

from rapidfuzz import fuzz, process

from twinflash.flash.makes import Hit as _Hit
from twinflash.flash.makes import MakeMatcher
from twinflash.flash.model_fuzzy import FUZZY_MARGIN, fuzzy_model, glued_model
from twinflash.flash.taxonomy import Taxonomy, clean, load_taxonomy, phonetic
from twinflash.flash.vocab import (
    LETTER_DIGIT,
    MODIFIER_WORDS,
    as_number,
    is_family,
    is_noise,
    type_code_variant,
)

__all__ = [
    "ACCEPT",
    "Normalised",
    "Normaliser",
    "default_normaliser",
    "normalise_vehicle",
]

ACCEPT = 0.80  # answers scoring below this are "unknown"

Status = Literal["matched", "make_only", "unknown"]

# methods of a model hit scored below acceptance because a longer name may be meant
_NUMBERED = "alias, numbered name unknown"
_CODE_LEFT = "weak alias, model code left"
_AMBIGUOUS = "alias, longer names ambiguous"
_UNKNOWN_LONGER = "alias, unknown longer name"
_DOUBTS = frozenset({_NUMBERED, _CODE_LEFT, _AMBIGUOUS, _UNKNOWN_LONGER})


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


class Normaliser:
    """Built once from a :class:`Taxonomy`; :meth:`normalise` is pure and thread-safe."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        self._makes = MakeMatcher(taxonomy)
        self._make_alias = self._makes.alias  # make alias (cleaned, tokens) -> canonical make
        # per make: alias tokens -> canonical model
        self._models: dict[str, dict[tuple[str, ...], str]] = {m: {} for m in taxonomy.makes}
        self._model_make: dict[tuple[str, str], str] = {}  # (make seen, model) -> real make
        self._weak: set[tuple[str, str]] = set()  # (make, joined alias) of weak aliases
        for entry in taxonomy.models:
            for spelling in (entry.model, *entry.aliases):
                under, _, text = spelling.rpartition(":")
                owner = self._make_alias.get(tuple(clean(under).split())) if under else entry.make
                if owner is None:
                    raise ValueError(f"alias {spelling!r}: unknown make {under!r}")
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
        # joined spellings, bar those that are a family word ("CLASS E" -> "CLASSE")
        self._joined = {
            make: {"".join(t): model for t, model in table.items() if not is_family("".join(t))}
            for make, table in self._models.items()
        }
        self._fuzzy_keys = {make: list(joined.items()) for make, joined in self._joined.items()}
        self._phonetic_keys: dict[str, dict[str, set[str]]] = {}
        for make, fkeys in self._fuzzy_keys.items():
            by_sound = self._phonetic_keys[make] = {}
            for key, model in fkeys:
                if len(key) >= 4:
                    by_sound.setdefault(phonetic(key), set()).add(model)
        # per make: model word -> models whose aliases hold it; per model: its own words
        self._model_words: dict[str, dict[str, set[str]]] = {}
        self._own_words: dict[str, dict[str, frozenset[str]]] = {}
        make_words = {t for alias in self._make_alias for t in alias}
        for make, table in self._models.items():
            mwords = self._model_words[make] = {}
            own: dict[str, set[str]] = {}
            # words of weak aliases (Mini's "COOPER", Audi's "E-TRON") are also trims
            trims = {t for alias in table if (make, "".join(alias)) in self._weak for t in alias}
            for alias, model in table.items():
                own.setdefault(model, set()).update(alias)
                for tok in alias[1:]:  # words that end names ("AIRCROSS"), not "GRAND"
                    if len(tok) >= 3 and not (
                        is_noise(tok)
                        or is_family(tok)
                        or tok in trims
                        or tok in make_words
                        or tok in MODIFIER_WORDS
                    ):
                        mwords.setdefault(tok, set()).add(model)
            self._own_words[make] = {m: frozenset(w) for m, w in own.items()}
        # model alias -> makes having it, to infer a make from the model alone
        self._alias_makes: dict[tuple[str, ...], set[str]] = {}
        for make, table in self._models.items():
            for tokens in table:
                self._alias_makes.setdefault(tokens, set()).add(make)

    # --- model --------------------------------------------------------------------------

    def _variants(self, make: str, tokens: tuple[str, ...]) -> list[tuple[str, ...]]:
        # "A3SPORTBACK" -> A 3 SPORTBACK; engine and drive words ("4X4", "L1H1") stay whole
        split = tuple(
            t for tok in tokens for t in ([tok] if is_noise(tok) else LETTER_DIGIT.split(tok)) if t
        )
        out = [tokens, split]
        # letters read for digits in a number ("2OO8"): O -> 0, I -> 1
        digits = tuple(as_number(t) for t in tokens)
        if digits != tokens:
            out.append(digits)
        coded = type_code_variant(make, tokens)
        if coded is not None:
            out.append(coded)
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
            leading = all(is_noise(t) for t in tokens[:start])
            for end in range(min(len(tokens), start + self._window), start, -1):
                alias = tokens[start:end]
                key = "".join(alias)
                model = table.get(alias) or joined.get(key)
                if model is None or all(is_family(t) for t in alias):
                    continue  # "CLASSE" alone names no class ("CLASS"+"E" joined)
                if len(key) == 1 and start != 0:
                    continue  # a lone letter (Mercedes "C") only leads the field
                strong = (make, key) not in self._weak
                found.append(((strong, leading, len(" ".join(alias)), -start), model, start, end))
        words = set(tokens)
        for word in words:  # reordered multi-word aliases
            for alias, model in self._multiword[make].get(word, ()):
                if not set(alias) <= words:
                    continue
                named = [t for t in alias if not is_noise(t)]
                if len(named) >= 2:
                    # ranked on its model words: "YARIS CROSS HYBRID" is no "YARIS HYBRID"
                    found.append(((True, True, len(" ".join(named)) + 1, 0), model, -1, -1))
        if not found:
            return None
        found.sort(key=lambda f: f[0], reverse=True)
        rank, model, start, end = found[0]
        used = set(tokens[start:end]) if start >= 0 else set(_alias_tokens(table, model))
        rest = [t for t in tokens if t not in used and not is_noise(t)]
        score = 1.0 if not rest else 0.95
        for other_rank, other, o_start, o_end in found[1:]:
            if other != model and other_rank[0] and rank[0]:
                # only words the winner leaves unexplained count, and engine/trim words
                # never do: "1.9" is no Renault 19, "E-TRON GT LINE" no e-tron GT
                extra = set(tokens[o_start:o_end]) - used if o_start >= 0 else set()
                if extra and not all(map(is_noise, extra)):
                    return _Hit(model, 0.75, "alias, contradicted", tuple(rest))
        if start >= 0:
            longer = self._longer_model(make, model, tokens, (start, end), rest, rank[0])
            if longer is not None:
                return longer
        return _Hit(model, score, "alias", tuple(rest))

    def _longer_model(
        self,
        make: str,
        model: str,
        tokens: tuple[str, ...],
        span: tuple[int, int],
        rest: list[str],
        strong: bool,
    ) -> _Hit | None:
        """A model name matched as a prefix, leaving words a longer name could hold.

        The word after the alias, fuzzily, completes a longer name of the same make that
        starts with the alias ("XSARA PICASO" -> Xsara Picasso); else, a left-over word
        that is (nearly) a word of another model's name ("C4 AIRCROSS": C3/C5 Aircross),
        a number where the make has numbered names ("IONIQ 7": Ioniq 5, Ioniq 6) or, after
        a weak alias, a model-like code ("Q6 E-TRON") means a model the reference lacks:
        the score drops below acceptance.
        """
        start, end = span
        prefix = "".join(tokens[start:end])
        nxt = tokens[end] if end < len(tokens) else ""
        if nxt.isdigit() and any(
            key.startswith(prefix)
            and key[len(prefix) :].isdigit()
            and len(key) - len(prefix) == len(nxt)
            for key, other in self._fuzzy_keys[make]
            if other != model
        ):
            return _Hit(model, 0.7, _NUMBERED, tuple(rest))
        if not strong:
            if any(_is_code(t) for t in rest):
                return _Hit(model, 0.7, _CODE_LEFT, tuple(rest))
            return None
        if not rest:
            return None
        if nxt and not is_noise(nxt) and len(nxt) >= 3:
            scored: dict[str, float] = {}
            for key, other in self._fuzzy_keys[make]:
                if other != model and key.startswith(prefix) and len(key) > len(prefix):
                    ratio = fuzz.ratio(nxt, key[len(prefix) :])
                    scored[other] = max(scored.get(other, 0.0), ratio)
            ranked = sorted(scored.items(), key=lambda kv: -kv[1])
            if ranked and ranked[0][1] >= 85.0:
                runner = ranked[1][1] if len(ranked) > 1 else 0.0
                if ranked[0][1] - runner >= FUZZY_MARGIN:
                    best = ranked[0][0]
                    full = max(
                        fuzz.ratio(prefix + nxt, key)
                        for key, m in self._fuzzy_keys[make]
                        if m == best
                    )
                    return _Hit(best, min(0.95, full / 100.0), "alias, longer name fuzzy")
                return _Hit(model, 0.7, _AMBIGUOUS, tuple(rest))
        own = self._own_words[make].get(model, frozenset())
        mwords = self._model_words[make]
        for token in rest:
            if token in own or is_family(token) or not any(c.isalpha() for c in token):
                continue
            if token in mwords:
                if mwords[token] - {model}:
                    return _Hit(model, 0.7, _UNKNOWN_LONGER, tuple(rest))
                continue
            if len(token) < 5:
                continue
            if process.extractOne(token, own, scorer=fuzz.ratio, score_cutoff=85.0):
                continue  # a misspelt word of this model's own names: "PARTNER TEPPEE"
            near = process.extract(token, mwords.keys(), scorer=fuzz.ratio, score_cutoff=85.0)
            if any(mwords[word] - {model} for word, _ratio, _idx in near):
                return _Hit(model, 0.7, _UNKNOWN_LONGER, tuple(rest))
        return None

    def _model(self, make: str, tokens: tuple[str, ...]) -> _Hit | None:
        variants = self._variants(make, tokens)
        keys, phon = self._fuzzy_keys[make], self._phonetic_keys[make]
        for method in (
            self._sequence_model,
            lambda _make, v: glued_model(keys, v),
            lambda _make, v: fuzzy_model(keys, phon, v),
        ):
            hits = [h for v in variants if (h := method(make, v))]
            doubts = [h for h in hits if h.method in _DOUBTS]
            if doubts:  # one reading sees a model the reference lacks: "Q6" is not "Q 6"
                return doubts[0]
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
        make_hit = self._makes.leading(make_tokens) if make_tokens else None
        if make_hit is None and make_tokens:
            make_hit = self._makes.fuzzy(make_tokens) or self._confirmed_make(
                make_tokens, model_tokens
            )
        extra = make_hit.rest if make_hit else ()
        # a make spelled at the start of the model field: "RENAULT CLIO", "MINI COOPER"
        inner = self._makes.leading(model_tokens) if model_tokens else None
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
        if model_hit is None and model_tokens and len(make_tokens) >= 2:
            model_hit = self._model_across_fields(make, make_tokens, model_tokens)
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

    def _confirmed_make(
        self, make_tokens: tuple[str, ...], model_tokens: tuple[str, ...]
    ) -> _Hit | None:
        """A make too far from any name to trust alone ("ADUI": one swap in four letters)
        that the model field confirms: of the makes within a fuzzy ratio of 70, exactly
        one has an alias spelling the whole model field ("Q3")."""
        text = "".join(make_tokens[:2])
        if len(text) < 4 or not model_tokens:
            return None
        confirmed = [
            make
            for make in self._makes.near(text, 70.0)
            if (hit := self._sequence_model(make, model_tokens))
            and hit.method == "alias"
            and hit.score == 1.0
        ]
        if len(confirmed) != 1:
            return None
        return _Hit(confirmed[0], 0.85, "make fuzzy, confirmed by model")

    def _model_across_fields(
        self, make: str, make_tokens: tuple[str, ...], model_tokens: tuple[str, ...]
    ) -> _Hit | None:
        """A sub-brand in D.1 that starts the model name: "RANGE ROVER / SPORT",
        "MERCEDES AMG / GT". Only an exact alias that needs the D.3 words counts."""
        hit = self._sequence_model(make, (*make_tokens, *model_tokens))
        if hit is None or hit.method != "alias" or not set(hit.rest) <= set(make_tokens):
            return None
        if not set(model_tokens) & self._own_words[make][hit.value]:
            return None  # D.3 adds no word of the name: "RANGE ROVER / 2.0 TD"
        return _Hit(hit.value, 1.0, "alias across D.1 and D.3")

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


def _is_code(token: str) -> bool:
    """A short letters-and-digits token shaped like a model code ("Q6", "X5", "EV9")."""
    return len(token) <= 4 and any(c.isdigit() for c in token) and any(c.isalpha() for c in token)


def _alias_tokens(table: dict[tuple[str, ...], str], model: str) -> set[str]:
    return {t for alias, m in table.items() if m == model for t in alias}


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
