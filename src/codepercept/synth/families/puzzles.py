"""Families of the puzzles domain."""
