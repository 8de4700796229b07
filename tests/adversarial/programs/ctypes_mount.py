# expect: ok
# texts: blocked
import ctypes
import matplotlib.pyplot as plt
libc = ctypes.CDLL(None)
rc = libc.mount(b"none", b"/tmp", b"tmpfs", 0, None)
plt.title("blocked" if rc == -1 else "PWNED")
plt.plot([0, 1])
