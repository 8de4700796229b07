# expect: ok
# texts: blocked
# SysV IPC, reader half of sysv_shm_1_plant (a separate run; polls ~2 s): any segment under the
# planter's key is shared memory between two runs.
# A reusable worker must not carry IPC objects from one program to the next either: the planter
# may have run earlier in the same worker.
import ctypes
import time
import matplotlib.pyplot as plt
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
found = ""
end = time.monotonic() + 2.0
while time.monotonic() < end and not found:
    sid = libc.shmget(__IPCBASE__ + 2, ctypes.c_size_t(0), 0)
    if sid >= 0:
        found = "segment"
        addr = libc.shmat(sid, None, 0o10000)  # SHM_RDONLY
        if addr not in (None, ctypes.c_void_p(-1).value):
            found = ctypes.string_at(addr, 13).decode(errors="replace")
            libc.shmdt(ctypes.c_void_p(addr))
    else:
        time.sleep(0.05)
plt.title(f"PWNED: read {found}" if found else "blocked")
plt.plot([0, 1])
