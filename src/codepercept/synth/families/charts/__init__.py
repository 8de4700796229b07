"""Families of the charts domain: statistical charts and value tables as drawn in textbooks.

Every family samples a *topic* (a title, axis labels and realistic category names), sampled data,
and a visual style (orientation, palette, label placement, grid), then emits a standalone
matplotlib program whose data appear as literals. The facts record the data and statistics that
the program provably draws.
"""

# Imported in registration order (the order of the former single module), not alphabetically,
# so the family registry keeps the same order.
# isort: off
from codepercept.synth.families.charts import (  # noqa: F401
    bars,
    line,
    pie,
    distributions,
    scatter,
    tables,
)
