# expect: ok forbidden
# texts: blocked
# Lists the executor's workdir_root (__WORKROOT__), where the other runs' private directories
# are, and stats it: names and times of sibling runs.
import os
import matplotlib.pyplot as plt
title = "blocked"
try:
    title = f"PWNED: workdir_root has {len(os.listdir('__WORKROOT__'))} entries"
except OSError:
    pass
plt.title(title)
plt.plot([0, 1])
