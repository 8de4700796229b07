"""Families of the functions domain.

Every family writes the function(s) it plots into the program as plain numpy expressions and
records, in its facts, the marked points (``points``: label -> [x, y]), a few sample points on
each curve (``curves``: [{"name", "samples"}]) and every string it draws (``labels``). Numbers are
rounded the way :func:`fmt` writes them before any fact is computed from them.
"""

# Imported in registration order (the order of the former single module), not alphabetically,
# so the family registry keeps the same order.
# isort: off
from codepercept.synth.families.functions import (  # noqa: F401
    polynomials,
    trig,
    exp_log,
    piecewise,
    regions,
    polar,
    vector_fields,
    conics,
)
