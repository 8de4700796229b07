# expect: ok runtime_error forbidden
# SysV IPC, writer half: a shared memory segment under a fixed key (__IPCBASE__ + 2) with a
# marker in it. In the host's IPC namespace it outlives the run; sysv_shm_2_read finds it.
import ctypes
import matplotlib.pyplot as plt
libc = ctypes.CDLL(None, use_errno=True)
libc.shmat.restype = ctypes.c_void_p
libc.shmat.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_int]
ok = False
sid = libc.shmget(__IPCBASE__ + 2, ctypes.c_size_t(4096), 0o1000 | 0o666)
if sid >= 0:
    addr = libc.shmat(sid, None, 0)
    if addr not in (None, ctypes.c_void_p(-1).value):
        ctypes.memmove(addr, b"cp-ipc-marker", 13)
        libc.shmdt(ctypes.c_void_p(addr))
        ok = True
plt.title("planted" if ok else "denied")
plt.plot([0, 1])
