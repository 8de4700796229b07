# expect: ok
# texts: blocked
# utimensat(2) on a host file through libc: sets the test's canary's times to the epoch. The
# test checks its mtime afterwards.
import ctypes
import matplotlib.pyplot as plt
libc = ctypes.CDLL(None, use_errno=True)
times = (ctypes.c_long * 4)(0, 0, 0, 0)  # atime, mtime = 1970-01-01
rc = libc.utimensat(-100, b"__CANARY__", times, 0)  # AT_FDCWD
rc2 = libc.utime(b"__CANARY__", None)  # "now", allowed to the owner
plt.title("PWNED: utime" if rc == 0 or rc2 == 0 else "blocked")
plt.plot([0, 1])
