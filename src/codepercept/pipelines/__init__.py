"""Whole jobs composed from the library's parts."""
