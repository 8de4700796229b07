# expect: ok
# texts: blocked
import ctypes
import os
import matplotlib.pyplot as plt
libc = ctypes.CDLL(None)
ppid = os.getppid()  # 0 in a PID namespace: the parent has no pid there
rc = libc.kill(ppid, 9) if ppid else -1
rc2 = libc.kill(1, 15)
plt.title("blocked" if rc == -1 and rc2 == -1 else "PWNED")
plt.plot([0, 1])
