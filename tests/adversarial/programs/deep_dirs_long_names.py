# expect: ok runtime_error output_too_large forbidden memory_error
# A 1,500-deep chain of directories with 240-character names (mkdirat/openat through libc):
# the full path is ~360 KB, far beyond PATH_MAX, so a cleanup that builds full paths (or calls
# os.scandir on them) fails; the executor must remove it all the same, and not raise.
import ctypes
import os
import time
import matplotlib.pyplot as plt
libc = ctypes.CDLL(None, use_errno=True)
name = b"n" * 240
fd = os.open(".", os.O_RDONLY | os.O_DIRECTORY)
depth = 0
t0 = time.monotonic()
while depth < 1500 and time.monotonic() - t0 < 2.5:
    if libc.mkdirat(fd, name, 0o700) != 0:
        break
    nfd = libc.openat(fd, name, os.O_RDONLY | os.O_DIRECTORY)
    if nfd < 0:
        break
    os.close(fd)
    fd = nfd
    depth += 1
os.close(fd)
plt.title(f"depth {depth}")
plt.plot([0, 1])
