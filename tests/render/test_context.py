"""The build context: every random stream seeded by (scene seed, stream name), independent."""

from __future__ import annotations

import datetime as dt

from twinflash.render.context import BuildContext
from twinflash.scene.models import Light, Scene
from twinflash.scene.sun import sun_state


def _ctx(seed: int, hour: int = 14) -> BuildContext:
    scene = Scene(seed=seed, light=Light(local_time=dt.time(hour, 0)))
    return BuildContext(scene=scene, sun=sun_state(scene.light))


def test_streams_are_seeded_by_scene_and_name_and_independent() -> None:
    a, b = _ctx(3), _ctx(3)
    assert a.rng("trees").random() == b.rng("trees").random()
    assert a.rng("trees").random() != a.rng("lamps").random()
    assert a.rng("trees").random() != _ctx(4).rng("trees").random()
    # drawing from one stream never shifts another
    first = a.rng("lamps").random()
    a.rng("trees").random()
    assert a.rng("lamps").random() == first
    assert a.np_rng("rain").uniform() == b.np_rng("rain").uniform()
    assert a.np_rng("rain").uniform() != a.np_rng("snow").uniform()


def test_night_follows_the_sun() -> None:
    assert _ctx(0, hour=23).is_night and not _ctx(0, hour=14).is_night
