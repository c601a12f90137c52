"""The only package that imports bpy."""
