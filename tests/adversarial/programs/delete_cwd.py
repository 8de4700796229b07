# expect: ok
import os
import shutil
import matplotlib.pyplot as plt
for name in os.listdir("."):
    if os.path.isdir(name):
        shutil.rmtree(name)
    else:
        os.remove(name)
plt.plot([3, 1, 2])
