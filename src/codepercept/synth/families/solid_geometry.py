"""Families of the solid_geometry domain."""
