# expect: ok
# texts: blocked
# Enumerates the IPC namespace's message queues (MSG_INFO, then MSG_STAT_ANY / MSG_STAT per
# index): the test holds a private queue; any queue listed is the host's (this run makes none).
import ctypes
import matplotlib.pyplot as plt
libc = ctypes.CDLL(None, use_errno=True)
buf = ctypes.create_string_buffer(512)
top = libc.msgctl(0, 12, buf)  # MSG_INFO
seen = []
for idx in range(max(top, -1) + 1):
    for cmd in (13, 11):  # MSG_STAT_ANY, MSG_STAT
        qid = libc.msgctl(idx, cmd, buf)
        if qid >= 0:
            seen.append(qid)
            break
print("queues seen:", len(seen))
plt.title(f"PWNED: {len(seen)} queues" if seen else "blocked")
plt.plot([0, 1])
