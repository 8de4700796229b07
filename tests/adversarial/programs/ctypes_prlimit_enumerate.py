# expect: ok
# texts: blocked
# Names other processes through prlimit64(2): a read-only call on every pid (1 .. pid_max,
# time-bounded) succeeds for any process of the same uid -- the zygote, the executor, siblings,
# the host's own root processes. Processes that look like sandbox siblings (RLIMIT_NOFILE 256,
# finite RLIMIT_AS) are then written: their RLIMIT_AS set to the value it already has, which
# proves the write without harming them (the review lowered it and so broke a sibling's run).
# Only this process's own group may be reachable.
import ctypes
import os
import time
import matplotlib.pyplot as plt
libc = ctypes.CDLL(None, use_errno=True)
libc.prlimit.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p]


class Rlimit(ctypes.Structure):
    _fields_ = [("cur", ctypes.c_uint64), ("max", ctypes.c_uint64)]


me = os.getpgid(0)
readable = writable = 0
lim = Rlimit()
t0 = time.monotonic()
for pid in range(1, 1 << 22):
    if pid % 4096 == 0 and time.monotonic() - t0 > 2.5:
        break
    if libc.prlimit(pid, 7, None, ctypes.byref(lim)) != 0:  # RLIMIT_NOFILE
        continue
    try:
        if os.getpgid(pid) == me:
            continue
    except OSError:
        continue
    readable += 1
    if lim.cur == 256:
        aslim = Rlimit()
        if libc.prlimit(pid, 9, None, ctypes.byref(aslim)) == 0 and aslim.cur < (1 << 63):
            writable += libc.prlimit(pid, 9, ctypes.byref(aslim), None) == 0  # same value
print(f"readable {readable} writable {writable}")
if readable or writable:
    plt.title(f"PWNED: {readable} processes named, {writable} siblings writable")
else:
    plt.title("blocked")
plt.plot([0, 1])
