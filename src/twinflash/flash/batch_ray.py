"""check-batch rows computed by Ray actors: a local Ray instance, or a cluster at `address`.

One actor per worker holds one checker (its ONNX session, plate reader and registry
connection), built once, as a local worker process does. Rows come back to the driver as
they finish; the driver journals them (`flash.batch`), so a kill of the driver loses
nothing that was journaled and a rerun checks the rest. `ray` is imported only here,
inside the function. Photo paths are made absolute before they travel: a Ray worker does
not run in the driver's folder.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import Any

from twinflash.flash.verdict import Checker

CheckItem = Callable[[Checker, Any], dict]  # `flash.batch.check_item`, passed in (no cycle)


class _Actor:
    """A checker living in a Ray worker process."""

    def __init__(self, factory: Callable[[], Checker], check_item: CheckItem) -> None:
        self.checker = factory()
        self.check_item = check_item

    def check(self, item: Any) -> dict:
        return self.check_item(self.checker, item)


def ray_results(
    items: list[Any],
    factory: Callable[[], Checker],
    check_item: CheckItem,
    workers: int,
    address: str | None = None,
) -> Iterator[dict]:
    """Rows of `items` (`flash.batch.Item`) as they finish, `workers` actors of one CPU
    each, each row made by `check_item(checker, item)`."""
    import ray
    from ray.util import ActorPool

    started = not ray.is_initialized()
    if started:
        kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False,
                                  "configure_logging": False}  # fmt: skip
        if address:
            ray.init(address=address, **kwargs)
        else:
            ray.init(num_cpus=workers, **kwargs)
    remote_actor = ray.remote(num_cpus=1)(_Actor)
    actors: list[Any] = [remote_actor.remote(factory, check_item) for _ in range(workers)]
    try:
        pool = ActorPool(actors)
        todo = [dataclasses.replace(it, photo=it.photo.resolve()) for it in items]
        yield from pool.map_unordered(lambda actor, item: actor.check.remote(item), todo)
    finally:
        for handle in actors:
            ray.kill(handle)
        if started:
            ray.shutdown()
