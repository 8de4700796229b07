"""Families of the chemistry domain.

Skeletal formulas built from 2D atom coordinates (the molecular formula is computed from the same
graph that is drawn), lab apparatus schematics built from patches, and reaction energy profiles.
"""

# Imported in registration order (the order of the former single module), not alphabetically,
# so the family registry keeps the same order.
# isort: off
from codepercept.synth.families.chemistry import (  # noqa: F401
    skeletal,
    apparatus,
    energy,
)
