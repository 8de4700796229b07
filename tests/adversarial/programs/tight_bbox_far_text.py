# expect: output_too_large memory_error
import matplotlib.pyplot as plt
fig, ax = plt.subplots()
ax.plot([0, 1])
fig.text(3000, 3000, "far away")
plt.savefig("out.png", bbox_inches="tight")
