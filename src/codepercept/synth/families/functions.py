"""Families of the functions domain."""
