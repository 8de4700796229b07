# expect: ok
# The parent's environment holds CP_ADV_SECRET; the program must not see it.
import os
import matplotlib.pyplot as plt
plt.title(os.environ.get("CP_ADV_SECRET", "no secret"))
plt.plot([0, 1])
