# expect: ok forbidden
# texts: blocked
# Lists /tmp (the host's, with other users' and other runs' files), by os.listdir and by
# getdents64 through libc.
import ctypes
import os
import matplotlib.pyplot as plt
title = "blocked"
try:
    title = f"PWNED: /tmp has {len(os.listdir('/tmp'))} entries"
except OSError:
    pass
libc = ctypes.CDLL(None, use_errno=True)
fd = libc.open(b"/tmp", os.O_RDONLY | os.O_DIRECTORY)
if fd >= 0:
    buf = ctypes.create_string_buffer(1 << 16)
    n = libc.syscall(217 if os.uname().machine == "x86_64" else 61, fd, buf, 1 << 16)
    if n > 0:
        title = f"PWNED: getdents64 on /tmp gave {n} bytes"
plt.title(title)
plt.plot([0, 1])
