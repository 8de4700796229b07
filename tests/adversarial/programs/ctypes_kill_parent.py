# expect: ok
# texts: blocked
import ctypes
import os
import matplotlib.pyplot as plt
libc = ctypes.CDLL(None)
rc = libc.kill(os.getppid(), 9)
rc2 = libc.kill(1, 15)
plt.title("blocked" if rc == -1 and rc2 == -1 else "PWNED")
plt.plot([0, 1])
