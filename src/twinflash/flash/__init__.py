"""Plate/vehicle consistency: plates, make/model taxonomy, registry, recogniser, verdict."""
