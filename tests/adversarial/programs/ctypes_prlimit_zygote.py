# expect: ok
# texts: blocked
# prlimit64(2) on the zygote (the program's parent): lowers its CPU-time soft limit (inf ->
# 2**40 s) and its open-files soft limit (by one). Same uid, so the kernel allows it today; a
# lower CPU limit (1 s) would kill the zygote, a lower NOFILE (8) would starve it of the
# descriptors every request carries (test_host_unchanged does that to a zygote of its own).
# The test reads the zygote's limits before and after the corpus.
import ctypes
import os
import matplotlib.pyplot as plt
libc = ctypes.CDLL(None, use_errno=True)
libc.prlimit.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p]


class Rlimit(ctypes.Structure):
    _fields_ = [("cur", ctypes.c_uint64), ("max", ctypes.c_uint64)]


ppid = os.getppid()  # 0 in a PID namespace: the parent lives outside it and has no pid here
hits = 0
if ppid == 0:
    plt.title("blocked")
    plt.plot([0, 1])
    raise SystemExit(0)
for res, lower in ((0, lambda c: min(c, 1 << 40)), (7, lambda c: c - 1)):  # CPU, NOFILE
    old = Rlimit()
    if libc.prlimit(ppid, res, None, ctypes.byref(old)) == 0:
        hits += 1
        new = Rlimit(lower(old.cur), old.max)
        hits += libc.prlimit(ppid, res, ctypes.byref(new), None) == 0
plt.title(f"PWNED: {hits} prlimit calls on the zygote" if hits else "blocked")
plt.plot([0, 1])
