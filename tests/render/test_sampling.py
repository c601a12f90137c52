"""The beauty pass's Cycles settings: one per quality preset, applied as stated."""

from __future__ import annotations

import bpy
import pytest

from twinflash.render import engine, sampling
from twinflash.scene.models import QUALITY_PRESETS, Quality

pytestmark = pytest.mark.blender


@pytest.mark.parametrize("preset", sorted(QUALITY_PRESETS))
def test_presets_keep_the_street_paths_and_persistent_data(preset: str) -> None:
    s = sampling.beauty_settings(Quality(preset=preset, samples=QUALITY_PRESETS[preset]["samples"]))
    assert s.samples == QUALITY_PRESETS[preset]["samples"] and s.denoise
    assert s.persistent_data and s.prefilter == "FAST"
    street = sampling.STREET_PATHS
    assert (s.max_bounces, s.diffuse_bounces, s.transparent_max_bounces) == (
        street.max_bounces,
        street.diffuse_bounces,
        street.transparent_max_bounces,
    )


def test_a_custom_quality_sets_its_own_samples_and_denoising() -> None:
    s = sampling.beauty_settings(Quality(preset="custom", samples=7, denoise=False))
    assert (s.samples, s.denoise) == (7, False)
    assert s.max_bounces == sampling.STREET_PATHS.max_bounces  # paths of the draft


def test_apply_sets_the_scene_s_cycles_options() -> None:
    engine.reset_blender()
    s = sampling.FAST_PATHS.with_overrides(samples=5, adaptive_threshold=0.05)
    sampling.apply(s)
    cy = bpy.context.scene.cycles
    assert (cy.samples, cy.max_bounces, cy.diffuse_bounces, cy.glossy_bounces) == (5, 4, 2, 2)
    assert not cy.caustics_reflective and not cy.caustics_refractive
    assert cy.sample_clamp_indirect == pytest.approx(5.0)
    assert cy.adaptive_threshold == pytest.approx(0.05)
    assert cy.denoising_prefilter == "ACCURATE" and bpy.context.scene.render.use_persistent_data
    sampling.apply(sampling.BLENDER_DEFAULT.with_overrides(denoise=False))
    assert not cy.use_denoising and cy.caustics_reflective and cy.max_bounces == 12
    assert not bpy.context.scene.render.use_persistent_data
