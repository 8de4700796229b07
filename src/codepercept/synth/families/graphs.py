"""Families of the graphs domain."""
