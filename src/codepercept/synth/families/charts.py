"""Families of the charts domain."""
