# expect: ok forbidden
# texts: blocked
# Lists /tmp (the host's, with other users' and other runs' files), by os.listdir and by
# getdents64 through libc. With a private root /tmp is the run's own scratch, which holds only
# its program.py: anything else there would be someone else's.
import ctypes
import os
import matplotlib.pyplot as plt
title = "blocked"
try:
    foreign = [n for n in os.listdir("/tmp") if n != "program.py"]
    if foreign:
        title = f"PWNED: /tmp has {len(foreign)} foreign entries"
except OSError:
    pass
libc = ctypes.CDLL(None, use_errno=True)
fd = libc.open(b"/tmp", os.O_RDONLY | os.O_DIRECTORY)
if fd >= 0:
    buf = ctypes.create_string_buffer(1 << 16)
    n = libc.syscall(217 if os.uname().machine == "x86_64" else 61, fd, buf, 1 << 16)
    names, pos = [], 0
    while 0 <= pos < n:
        reclen = int.from_bytes(buf.raw[pos + 16 : pos + 18], "little")
        names.append(buf.raw[pos + 19 : pos + reclen].split(b"\0")[0])
        pos += max(reclen, 1)
    foreign = [x for x in names if x not in (b".", b"..", b"program.py")]
    if foreign:
        title = f"PWNED: getdents64 on /tmp shows {len(foreign)} foreign entries"
plt.title(title)
plt.plot([0, 1])
