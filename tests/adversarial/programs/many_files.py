# expect: ok output_too_large memory_error runtime_error crashed
# 30,000 empty files in the run's directory (time-bounded): the executor must remove them all,
# within the deadline budget; a quota on inodes may stop it earlier.
# Through libc, so the audit hook does not slow it down.
import ctypes
import os
import time
import matplotlib.pyplot as plt
libc = ctypes.CDLL(None, use_errno=True)
n = 0
t0 = time.monotonic()
while n < 30000 and time.monotonic() - t0 < 2.0:
    fd = libc.open(f"f{n}".encode(), os.O_CREAT | os.O_WRONLY, 0o600)
    if fd < 0:
        break
    libc.close(fd)
    n += 1
plt.title(f"{n} files")
plt.plot([0, 1])
