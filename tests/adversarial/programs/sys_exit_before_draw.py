# expect: no_figure
import sys
sys.exit(0)
import matplotlib.pyplot as plt
plt.plot([1, 2])
