"""Which clone checker the service uses, and the registry lookup it is given.

The one line to change when `twinflash.flash.verdict` lands is in `make_checker`.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping

from twinflash.web.standin import Checker, Expected, StandinChecker

log = logging.getLogger(__name__)


@functools.lru_cache(maxsize=4)
def registry_lookup(db_url: str):  # -> Callable[[str], dict | None] | None
    """A lookup in the vehicle registry sharing the service's database, if it holds one.

    Opened once per process and URL (an engine per batch would leak connections); a
    registry imported while the service runs is seen after its restart.
    """
    try:
        from twinflash.flash.registry import Registry

        reg = Registry.open(db_url, create=False)
    except Exception as exc:  # no registry in this database: the checker does without
        log.info("no vehicle registry at the service's database (%s)", exc)
        return None

    def lookup(plate: str) -> dict[str, str] | None:
        try:
            rec = reg.lookup(plate)
        except ValueError:  # malformed plate
            return None
        if rec is None or rec.make is None:
            return None
        return {"make": rec.make, "model": rec.model or "", "body": rec.body or ""}

    return lookup


def make_checker(expected: Mapping[str, Expected], db_url: str) -> Checker:
    """The checker for one batch. Swap for the real verdict here (one line)."""
    return StandinChecker(expected, registry_lookup(db_url))
