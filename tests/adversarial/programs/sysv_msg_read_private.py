# expect: ok
# texts: blocked
# Receives from the test process's private (0600) message queue, whose id the test passes in:
# the message is the secret.
import ctypes
import matplotlib.pyplot as plt
libc = ctypes.CDLL(None, use_errno=True)
buf = ctypes.create_string_buffer(8 + 256)
n = libc.msgrcv(__MSQID__, buf, 256, 0, 0o4000)  # IPC_NOWAIT
title = "blocked"
if n > 0:
    data = buf.raw[8 : 8 + n].decode(errors="replace")
    print(data)
    title = f"PWNED: {data}"
plt.title(title)
plt.plot([0, 1])
