"""The make half of the normaliser (:mod:`.normalise`): D.1 text -> canonical make.

An alias spelled by the leading tokens; else rapidfuzz ratio and a rough French phonetic
key against every make alias (``RENEAU`` = ``RENAULT``); :meth:`MakeMatcher.near` lists
the makes within a looser ratio for the caller to confirm with the model field.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz, process

from twinflash.flash.taxonomy import Taxonomy, clean, phonetic

MAKE_FUZZY_MIN = 85.0  # rapidfuzz ratio (0-100) a make must reach alone
MAKE_MARGIN = 6.0  # ... and its lead over the next make


@dataclass(frozen=True, slots=True)
class Hit:
    """One step's answer: a make or a model, its score, how it was found, the tokens left."""

    value: str
    score: float
    method: str
    rest: tuple[str, ...] = ()


class MakeMatcher:
    """Built once from a :class:`Taxonomy`; every method is pure."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        # make alias (cleaned, tokens) -> canonical make
        self.alias: dict[tuple[str, ...], str] = {}
        for make, aliases in taxonomy.makes.items():
            for alias in (make, *aliases):
                self.alias[tuple(clean(alias).split())] = make
        self._keys = list({"".join(k): m for k, m in self.alias.items()}.items())
        self._choices = [k for k, _ in self._keys]
        self._phon = {phonetic(k): m for k, m in self._keys}

    def leading(self, tokens: tuple[str, ...]) -> Hit | None:
        """A make alias spelled by the first tokens (longest first)."""
        for n in range(min(4, len(tokens)), 0, -1):
            make = self.alias.get(tokens[:n])
            if make:
                return Hit(make, 1.0, "make alias", tokens[n:])
        if len(tokens) >= 2:  # "MERCEDES BENZ" typed "MERCEDESBENZ" or "B M W" already joined
            joined = tokens[0] + tokens[1]
            make = self.alias.get((joined,))
            if make:
                return Hit(make, 1.0, "make alias", tokens[2:])
        return None

    def fuzzy(self, tokens: tuple[str, ...]) -> Hit | None:
        """The leading 1-3 tokens fuzzily (ratio >= 85, 6 points clear) or phonetically."""
        best: Hit | None = None
        for n in range(min(3, len(tokens)), 0, -1):
            text = "".join(tokens[:n])
            if len(text) < 4:
                continue  # one edit in three letters is too much to trust
            found = process.extract(text, self._choices, scorer=fuzz.ratio, limit=5)
            phon = phonetic(text)
            scored: dict[str, float] = {}
            for _key, ratio, idx in found:
                make = self._keys[idx][1]
                scored[make] = max(scored.get(make, 0.0), ratio)
            if phon in self._phon and len(phon) >= 3:
                make = self._phon[phon]
                scored[make] = max(scored.get(make, 0.0), 92.0)
            if not scored:
                continue
            ranked = sorted(scored.items(), key=lambda kv: -kv[1])
            make, ratio = ranked[0]
            runner = ranked[1][1] if len(ranked) > 1 else 0.0
            if ratio >= MAKE_FUZZY_MIN and ratio - runner >= MAKE_MARGIN:
                hit = Hit(make, ratio / 100.0, "make fuzzy", tokens[n:])
                if best is None or hit.score > best.score:
                    best = hit
        return best

    def near(self, text: str, cutoff: float) -> set[str]:
        """Makes with an alias within ``cutoff`` (rapidfuzz ratio) of ``text``."""
        found = process.extract(
            text, self._choices, scorer=fuzz.ratio, limit=10, score_cutoff=cutoff
        )
        return {self._keys[idx][1] for _key, _ratio, idx in found}
