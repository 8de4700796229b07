# expect: ok
import json
import os
import matplotlib.pyplot as plt
plt.plot([1, 2, 3])
json.dumps = None
os.write = None
os._exit = None
