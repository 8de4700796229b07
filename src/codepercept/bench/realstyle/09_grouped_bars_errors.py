# domain: chart
# Grouped bar chart of model accuracy on four benchmarks with error bars and value labels
import matplotlib.pyplot as plt
import numpy as np

datasets = ("CIFAR-10", "SVHN", "STL-10", "Tiny-IN")
scores = {
    "ResNet-18": ([93.1, 95.8, 81.2, 62.4], [0.4, 0.3, 1.1, 0.9]),
    "ViT-S": ([91.4, 94.9, 84.7, 66.0], [0.6, 0.5, 0.8, 1.2]),
    "ConvNeXt-T": ([94.6, 96.3, 86.1, 69.3], [0.3, 0.2, 0.7, 0.8]),
}
palette = ["#4C72B0", "#DD8452", "#55A868"]

x = np.arange(len(datasets))
width = 0.26

fig, ax = plt.subplots(figsize=(9, 5), layout="constrained")
for i, ((model, (mean, err)), color) in enumerate(zip(scores.items(), palette, strict=True)):
    offset = width * i
    rects = ax.bar(
        x + offset,
        mean,
        width,
        yerr=err,
        capsize=4,
        label=model,
        color=color,
        edgecolor="black",
        linewidth=0.6,
        error_kw=dict(ecolor="0.2", lw=1),
    )
    ax.bar_label(rects, fmt="%.1f", padding=3, fontsize=8)

ax.set_ylabel("Top-1 accuracy (%)")
ax.set_title("Test accuracy by architecture (mean $\\pm$ std over 5 seeds)")
ax.set_xticks(x + width, datasets)
ax.legend(loc="upper right", ncols=3)
ax.set_ylim(50, 105)
ax.yaxis.grid(True, linestyle="--", alpha=0.5)
ax.set_axisbelow(True)
plt.show()
