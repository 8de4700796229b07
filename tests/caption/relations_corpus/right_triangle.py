"""A 3-4-5 right triangle with the right angle marked at C and the angle θ at B."""

import matplotlib.pyplot as plt
from matplotlib.patches import Arc, Polygon

A, B, C = (0.0, 3.0), (4.0, 0.0), (0.0, 0.0)
fig, ax = plt.subplots(figsize=(5.5, 4.5))
ax.add_patch(Polygon([A, B, C], closed=True, fill=False, edgecolor="tab:purple", lw=2))
ax.plot([0, 0.3, 0.3], [0.3, 0.3, 0], color="black", lw=1)  # right-angle square at C
ax.add_patch(Arc(B, 1.2, 1.2, theta1=143.13, theta2=180, color="black"))
ax.text(3.1, 0.12, "θ", fontsize=14)
ax.text(-0.3, 3.1, "A", fontsize=15)
ax.text(4.1, -0.3, "B", fontsize=15)
ax.text(-0.3, -0.3, "C", fontsize=15)
ax.text(-0.35, 1.5, "3", fontsize=14)
ax.text(2.0, -0.4, "4", fontsize=14)
ax.text(2.15, 1.65, "5", fontsize=14)
ax.set_xlim(-0.8, 4.8)
ax.set_ylim(-0.8, 3.6)
ax.set_aspect("equal")
ax.axis("off")
