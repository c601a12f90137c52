"""Model matching when no alias is spelled as whole tokens (see :mod:`.normalise`): an
alias glued to trim words (``CLIORT``), then rapidfuzz on the leading words."""

from __future__ import annotations

from rapidfuzz import fuzz, process

from twinflash.flash.makes import Hit
from twinflash.flash.taxonomy import phonetic
from twinflash.flash.vocab import is_family, is_noise, noise_words

FUZZY_MIN = 80.0  # rapidfuzz ratio (0-100) below which a fuzzy match is ignored
FUZZY_MARGIN = 6.0  # a fuzzy winner must beat the best other answer by this much


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def glued_model(keys: list[tuple[str, str]], tokens: tuple[str, ...]) -> Hit | None:
    """An alias glued to what follows it: CLIORT, GOLFGTI, 308GTLINE, C220CDI."""
    if all(map(is_family, tokens)):
        return None
    text = "".join(tokens)
    best: tuple[int, str] | None = None
    for key, model in keys:
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
    return Hit(best[1], 0.9, "alias glued") if best else None


def fuzzy_model(
    keys: list[tuple[str, str]], phonetic_keys: dict[str, set[str]], tokens: tuple[str, ...]
) -> Hit | None:
    """Fuzzy match of the leading 1-3 non-noise words (ratio >= 80, 6 points clear);
    numbers must agree exactly."""
    # short numbers stay: "MODELE 3" must not read as "MODELE"
    words = [t for t in tokens if not is_noise(t) or (t.isdigit() and len(t) <= 2)]
    if all(map(is_family, words)):
        return None  # no words, or "CLASSE" alone
    choices = [k for k, _ in keys]
    best: Hit | None = None
    for n in (1, 2, 3):
        if n > len(words):
            break
        text = "".join(words[:n])
        if len(text) < 3:
            continue
        scored: dict[str, float] = {}
        for key, ratio, idx in process.extract(text, choices, scorer=fuzz.ratio, limit=8):
            if _digits(key) != _digits(text):
                continue  # a number is a name, not a typo: "CX 50" is no CX-5
            model = keys[idx][1]
            scored[model] = max(scored.get(model, 0.0), ratio)
        for model in phonetic_keys.get(phonetic(text), ()):
            scored[model] = max(scored.get(model, 0.0), 90.0)
        ranked = sorted(scored.items(), key=lambda kv: -kv[1])
        if not ranked:
            continue
        model, ratio = ranked[0]
        runner = ranked[1][1] if len(ranked) > 1 else 0.0
        if ratio >= FUZZY_MIN and ratio - runner >= FUZZY_MARGIN:
            hit = Hit(model, ratio / 100.0, "model fuzzy")
            if best is None or hit.score > best.score:
                best = hit
    return best
