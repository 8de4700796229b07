# expect: ok memory_error crashed runtime_error forbidden
# texts: blocked
# Memory the address-space limit does not count: seven 200 MB SysV segments, each attached,
# filled and detached again (so at most one is mapped at a time, under RLIMIT_AS), are 1.4 GB of
# RAM held past memory_mb=768 -- and past the run: nothing removes them when it ends. Keys in
# the test's range, so the test can find and remove leftovers. A correct sandbox charges them to
# the run (OOM -> memory_error) and/or drops them with the run's IPC namespace.
import ctypes
import time
import matplotlib.pyplot as plt
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
libc.shmdt.argtypes = [ctypes.c_void_p]
SIZE = 200 << 20
held = 0
t0 = time.monotonic()
for i in range(7):
    if time.monotonic() - t0 > 3.0:
        break
    sid = libc.shmget(__IPCBASE__ + 16 + i, ctypes.c_size_t(SIZE), 0o1000 | 0o600)
    if sid < 0:
        break
    addr = libc.shmat(sid, None, 0)
    if addr in (None, ctypes.c_void_p(-1).value):
        break
    # MADV_POPULATE_WRITE (5.14+) faults the pages in at once; memset where it is refused
    if libc.madvise(ctypes.c_void_p(addr), ctypes.c_size_t(SIZE), 23) != 0:
        ctypes.memset(addr, 0x5A, SIZE)
    libc.shmdt(addr)
    held += SIZE
print("held MB:", held >> 20)
plt.title(f"PWNED: {held >> 20} MB outside the limit" if held >= (1200 << 20) else "blocked")
plt.plot([0, 1])
