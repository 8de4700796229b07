# expect: ok
# texts: blocked
# SysV IPC, reader half of sysv_sem_1_plant (a separate run; polls ~2 s).
# A reusable worker must not carry IPC objects from one program to the next either: the planter
# may have run earlier in the same worker.
import ctypes
import time
import matplotlib.pyplot as plt
libc = ctypes.CDLL(None, use_errno=True)
found = ""
end = time.monotonic() + 2.0
while time.monotonic() < end and not found:
    sid = libc.semget(__IPCBASE__ + 3, 0, 0)
    if sid >= 0:
        found = f"semaphore = {libc.semctl(sid, 0, 12)}"  # GETVAL
    else:
        time.sleep(0.05)
plt.title(f"PWNED: {found}" if found else "blocked")
plt.plot([0, 1])
