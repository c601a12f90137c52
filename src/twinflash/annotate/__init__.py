"""Frame + Scene -> annotations. Pure numpy, testable without Blender."""
