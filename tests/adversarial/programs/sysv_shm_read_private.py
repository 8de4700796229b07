# expect: ok
# texts: blocked
# Attaches the test process's own private (0600) segment, whose id the test passes in, and
# reads the secret at its start. A root child with capabilities dropped is still its owner's
# uid, so the mode bits do not stop it; only a private IPC namespace or another uid does.
import ctypes
import matplotlib.pyplot as plt
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
title = "blocked"
addr = libc.shmat(__SHMID__, None, 0o10000)  # SHM_RDONLY
if addr not in (None, ctypes.c_void_p(-1).value):
    data = ctypes.string_at(addr, 64).split(b"\0")[0].decode(errors="replace")
    print(data)
    title = f"PWNED: {data}"
plt.title(title)
plt.plot([0, 1])
