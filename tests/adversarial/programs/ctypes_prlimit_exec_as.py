# expect: ok
# texts: blocked
# prlimit64(2) on another process: the executor's own (the test process, __EXECPID__). A root child
# with capabilities dropped shares its uid, so the kernel lets it read and lower the executor's
# limits. This lowers its address-space soft limit (inf -> 64 TiB); the test checks its limits
# afterwards (and puts them back). Reading them alone already names a process outside the sandbox.
import ctypes
import matplotlib.pyplot as plt
libc = ctypes.CDLL(None, use_errno=True)
libc.prlimit.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p]


class Rlimit(ctypes.Structure):
    _fields_ = [("cur", ctypes.c_uint64), ("max", ctypes.c_uint64)]


old = Rlimit()
got = libc.prlimit(__EXECPID__, 9, None, ctypes.byref(old))  # RLIMIT_AS
wrote = -1
if got == 0:
    new = Rlimit(min(old.cur, 1 << 46), old.max)
    wrote = libc.prlimit(__EXECPID__, 9, ctypes.byref(new), None)
plt.title("PWNED: prlimit on the executor" if got == 0 or wrote == 0 else "blocked")
plt.plot([0, 1])
