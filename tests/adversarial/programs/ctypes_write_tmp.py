# expect: ok
# texts: blocked
# Raw open(2) through libc to a host directory: only the private root and Landlock stand in
# the way (/tmp would be the run's own scratch).
import ctypes
import matplotlib.pyplot as plt
libc = ctypes.CDLL(None)
fd = libc.open(b"__REPO__/cp_adv_pwned", 0o101, 0o644)  # O_WRONLY | O_CREAT
plt.title("PWNED" if fd >= 0 else "blocked")
plt.plot([0, 1])
