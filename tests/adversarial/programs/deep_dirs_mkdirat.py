# expect: ok runtime_error output_too_large forbidden memory_error
# deep_dirs_chdir through libc: mkdirat + openat relative to the last directory's descriptor,
# 3,000 levels deep (no path the program uses is longer than one name, so no ENAMETOOLONG
# stops it), and the process's cwd left at the bottom (fchdir). The executor must still remove
# the tree, keep working, and never raise from run().
import ctypes
import os
import time
import matplotlib.pyplot as plt
libc = ctypes.CDLL(None, use_errno=True)
fd = os.open(".", os.O_RDONLY | os.O_DIRECTORY)
depth = 0
t0 = time.monotonic()
while depth < 3000 and time.monotonic() - t0 < 2.5:
    if libc.mkdirat(fd, b"d", 0o700) != 0:
        break
    nfd = libc.openat(fd, b"d", os.O_RDONLY | os.O_DIRECTORY)
    if nfd < 0:
        break
    os.close(fd)
    fd = nfd
    depth += 1
libc.fchdir(fd)
plt.title(f"depth {depth}")
plt.plot([0, 1])
