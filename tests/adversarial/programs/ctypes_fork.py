# expect: ok
# texts: blocked
import ctypes
import matplotlib.pyplot as plt
libc = ctypes.CDLL(None)
pid = libc.fork()
if pid == 0:
    libc._exit(0)
plt.title("blocked" if pid == -1 else "PWNED")
plt.plot([0, 1])
