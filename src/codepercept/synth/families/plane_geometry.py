"""Families of the plane_geometry domain."""
