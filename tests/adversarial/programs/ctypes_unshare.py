# expect: ok
# texts: blocked
import ctypes
import matplotlib.pyplot as plt
libc = ctypes.CDLL(None)
rc = libc.unshare(0x10000000)  # CLONE_NEWUSER: a way back to capabilities
plt.title("blocked" if rc == -1 else "PWNED")
plt.plot([0, 1])
