# expect: ok
# texts: blocked
# Bypasses Python's audit hooks: the kernel filter must refuse socket(2) itself.
import ctypes
import matplotlib.pyplot as plt
libc = ctypes.CDLL(None)
fd = libc.socket(2, 1, 0)
plt.title("PWNED" if fd >= 0 else "blocked")
plt.plot([0, 1])
