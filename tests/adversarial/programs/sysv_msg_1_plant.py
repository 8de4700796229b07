# expect: ok runtime_error forbidden
# SysV IPC, writer half: creates a message queue under a fixed key (__IPCBASE__ + 1, the test's
# key range) and leaves a marker message in it. In a host-wide IPC namespace the queue outlives
# this run (and the executor): sysv_msg_2_read, a separate run, then finds it. The test checks
# /proc/sysvipc afterwards; a correct sandbox gives each run its own IPC namespace (the queue
# dies with the run) or refuses msgget.
import ctypes
import struct
import matplotlib.pyplot as plt
libc = ctypes.CDLL(None, use_errno=True)
qid = libc.msgget(__IPCBASE__ + 1, 0o1000 | 0o666)  # IPC_CREAT | 0666
sent = -1
if qid >= 0:
    msg = struct.pack("q", 1) + b"cp-ipc-marker"
    sent = libc.msgsnd(qid, ctypes.create_string_buffer(msg, len(msg)), 13, 0o4000)
plt.title("planted" if sent == 0 else "denied")
plt.plot([0, 1])
