"""How Cycles spends its time on the beauty image: samples, denoiser and light paths.

The quality presets of a scene (`draft`, `final`) name a `BeautySettings` here; `custom`
takes the draft's light paths with the scene's own samples and denoise. The exact
annotation pass never reads these: it sets its own 1-sample, 0-bounce settings, so
annotations are the same whatever the beauty costs. `benchmarks/render_quality.py`
measures each setting's seconds and its PSNR/SSIM against a converged reference.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from typing import Any

import bpy

from twinflash.scene.models import QUALITY_PRESETS, Quality


@dataclass(frozen=True)
class BeautySettings:
    """Cycles settings of the beauty pass; the defaults are Blender 5's factory values."""

    samples: int = 4096
    denoise: bool = True
    prefilter: str = "ACCURATE"  # OIDN prefilter of the albedo/normal guides: FAST, ACCURATE
    denoise_passes: str = "RGB_ALBEDO_NORMAL"  # RGB, RGB_ALBEDO, RGB_ALBEDO_NORMAL
    denoise_quality: str = "HIGH"  # OIDN's network: HIGH, BALANCED, FAST
    adaptive: bool = True
    adaptive_threshold: float = 0.01
    adaptive_min_samples: int = 0  # 0 = Cycles' automatic choice
    max_bounces: int = 12
    diffuse_bounces: int = 4
    glossy_bounces: int = 4
    transmission_bounces: int = 12
    volume_bounces: int = 0
    transparent_max_bounces: int = 8
    caustics: bool = True  # both reflective and refractive
    clamp_direct: float = 0.0  # 0 = no clamping
    clamp_indirect: float = 10.0
    light_tree: bool = True
    filter_glossy: float = 1.0  # blurs sharp glossy paths after a diffuse/rough bounce
    persistent_data: bool = False  # keep the synced scene for the exact pass that follows

    def with_overrides(self, **changes: Any) -> BeautySettings:
        """A copy with some fields changed (benchmarks try settings this way)."""
        return replace(self, **changes)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


BLENDER_DEFAULT = BeautySettings()
# The light paths and presets before issue 16 (street canyons need a few bounces; rain
# streaks and flakes overlap, hence 16 transparent bounces), with the FAST prefilter.
STREET_PATHS = BeautySettings(
    max_bounces=6,
    diffuse_bounces=3,
    glossy_bounces=3,
    transmission_bounces=6,
    transparent_max_bounces=16,
    clamp_indirect=10.0,
)
# Tried for issue 16 and not kept (benchmarks/render_quality.py, docs/benchmarks.md):
# fewer bounces darken the shadowed façades, caustics off loses ~1 dB, fewer samples
# lose more than they save, the ACCURATE prefilter gains 0.5 dB for ~9 CPU-s a 1280x720
# image. Kept: persistent data (the exact pass reuses the beauty pass's synced scene;
# same pixels, same ids and depth).
FAST_PATHS = STREET_PATHS.with_overrides(
    max_bounces=4,
    diffuse_bounces=2,
    glossy_bounces=2,
    transmission_bounces=4,
    caustics=False,
    clamp_indirect=5.0,
    persistent_data=True,
)
KEEP_PATHS = STREET_PATHS.with_overrides(caustics=False, persistent_data=True)
LEGACY_DRAFT = STREET_PATHS.with_overrides(samples=16, prefilter="FAST")
LEGACY_FINAL = STREET_PATHS.with_overrides(samples=64, prefilter="FAST")
PRESET_PATHS = STREET_PATHS.with_overrides(prefilter="FAST", persistent_data=True)

PRESETS: dict[str, BeautySettings] = {
    name: PRESET_PATHS.with_overrides(samples=values["samples"])
    for name, values in QUALITY_PRESETS.items()
}


def beauty_settings(quality: Quality) -> BeautySettings:
    """The settings a resolved scene's `quality` asks for."""
    base = PRESETS.get(quality.preset, PRESETS["draft"])
    return replace(base, samples=quality.samples, denoise=quality.denoise)


def apply(settings: BeautySettings) -> None:
    """Set the current Blender scene's Cycles options to `settings`."""
    cy = bpy.context.scene.cycles
    cy.samples = settings.samples
    cy.use_denoising = settings.denoise
    if settings.denoise:
        cy.denoiser = "OPENIMAGEDENOISE"
        cy.denoising_prefilter = settings.prefilter
        cy.denoising_input_passes = settings.denoise_passes
        cy.denoising_quality = settings.denoise_quality
    cy.use_adaptive_sampling = settings.adaptive
    cy.adaptive_threshold = settings.adaptive_threshold
    cy.adaptive_min_samples = settings.adaptive_min_samples
    cy.max_bounces = settings.max_bounces
    cy.diffuse_bounces = settings.diffuse_bounces
    cy.glossy_bounces = settings.glossy_bounces
    cy.transmission_bounces = settings.transmission_bounces
    cy.volume_bounces = settings.volume_bounces
    cy.transparent_max_bounces = settings.transparent_max_bounces
    cy.caustics_reflective = settings.caustics
    cy.caustics_refractive = settings.caustics
    cy.sample_clamp_direct = settings.clamp_direct
    cy.sample_clamp_indirect = settings.clamp_indirect
    cy.use_light_tree = settings.light_tree
    cy.blur_glossy = settings.filter_glossy
    bpy.context.scene.render.use_persistent_data = settings.persistent_data
