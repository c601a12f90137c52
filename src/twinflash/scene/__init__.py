"""Scene description: pure data, no Blender."""
