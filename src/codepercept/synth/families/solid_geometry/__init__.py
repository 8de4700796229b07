"""Families of the solid_geometry domain.

Each family samples a solid (or a net, a stack of unit cubes, a coordinate scene), does the
3D geometry at generation time with :mod:`._solids` (back-face visibility, ray-cast occlusion,
plane sections, net folding, orthographic hidden lines) and emits a standalone matplotlib
program that draws the result with the hidden edges dashed. ``facts["hidden_edges"]`` is the
number of dashed hidden edges drawn; ``facts["dashed_lines"]`` the number of dashed line
artists in the figure.
"""

# Imported in registration order (the order of the former single module), not alphabetically,
# so the family registry keeps the same order.
# isort: off
from codepercept.synth.families.solid_geometry import (  # noqa: F401
    polyhedra,
    revolution,
    nets,
    cube_stacks,
    cross_section,
    inscribed,
    coordinates,
    composite,
    prism_net,
    revolution_3d_view,
)
