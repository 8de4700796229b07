# expect: ok runtime_error forbidden
# SysV IPC, writer half: a semaphore set under a fixed key (__IPCBASE__ + 3) holding 4242; in
# the host's IPC namespace it outlives the run and sysv_sem_2_read (a separate run) sees it.
import ctypes
import matplotlib.pyplot as plt
libc = ctypes.CDLL(None, use_errno=True)
sid = libc.semget(__IPCBASE__ + 3, 1, 0o1000 | 0o666)
rc = libc.semctl(sid, 0, 16, ctypes.c_int(4242)) if sid >= 0 else -1  # SETVAL
plt.title("planted" if rc == 0 else "denied")
plt.plot([0, 1])
