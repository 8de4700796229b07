# expect: ok
# texts: blocked
# SysV IPC, reader half (a separate run, after sysv_msg_1_plant; runs are two in flight, so it
# polls for ~2 s): any queue under the planter's key is a channel between two runs.
# A reusable worker must not carry IPC objects from one program to the next either: the planter
# may have run earlier in the same worker.
import ctypes
import time
import matplotlib.pyplot as plt
libc = ctypes.CDLL(None, use_errno=True)
found = ""
end = time.monotonic() + 2.0
while time.monotonic() < end and not found:
    qid = libc.msgget(__IPCBASE__ + 1, 0)
    if qid >= 0:
        found = "queue"
        buf = ctypes.create_string_buffer(8 + 64)
        n = libc.msgrcv(qid, buf, 64, 0, 0o4000)  # IPC_NOWAIT
        if n > 0:
            found = buf.raw[8 : 8 + n].decode(errors="replace")
    else:
        time.sleep(0.05)
plt.title(f"PWNED: read {found}" if found else "blocked")
plt.plot([0, 1])
