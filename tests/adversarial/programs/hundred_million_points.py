# expect: ok timeout memory_error
import numpy as np
import matplotlib.pyplot as plt
x = np.random.rand(10**8)
plt.plot(x)
plt.show()
