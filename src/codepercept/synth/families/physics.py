"""Families of the physics domain."""
