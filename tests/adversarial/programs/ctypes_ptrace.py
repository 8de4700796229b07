# expect: ok
# texts: blocked
import ctypes
import os
import matplotlib.pyplot as plt
libc = ctypes.CDLL(None)
rc = libc.ptrace(16, os.getppid(), None, None)  # PTRACE_ATTACH
plt.title("blocked" if rc == -1 else "PWNED")
plt.plot([0, 1])
