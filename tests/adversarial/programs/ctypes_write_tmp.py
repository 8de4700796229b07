# expect: ok
# texts: blocked
# Raw open(2) through libc: only Landlock stands in the way.
import ctypes
import matplotlib.pyplot as plt
libc = ctypes.CDLL(None)
fd = libc.open(b"/tmp/cp_adv_pwned", 0o101, 0o644)  # O_WRONLY | O_CREAT
plt.title("PWNED" if fd >= 0 else "blocked")
plt.plot([0, 1])
