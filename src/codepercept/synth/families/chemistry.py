"""Families of the chemistry domain."""
