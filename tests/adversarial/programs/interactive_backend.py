# expect: ok
import matplotlib
matplotlib.use("TkAgg")
import matplotlib.pyplot as plt
plt.switch_backend("QtAgg")
plt.ion()
plt.plot([1, 2, 3])
plt.pause(5)
plt.show(block=True)
