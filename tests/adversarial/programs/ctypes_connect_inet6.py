# expect: ok
# texts: blocked
import ctypes
import matplotlib.pyplot as plt
libc = ctypes.CDLL(None)
fd = libc.socket(10, 2, 0)  # AF_INET6, SOCK_DGRAM
plt.title("PWNED" if fd >= 0 else "blocked")
plt.plot([0, 1])
