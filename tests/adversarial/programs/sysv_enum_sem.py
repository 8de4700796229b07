# expect: ok
# texts: blocked
# Enumerates the IPC namespace's semaphore sets (SEM_INFO, then SEM_STAT_ANY / SEM_STAT per
# index): the test holds a private set; any set listed is the host's (this run makes none).
import ctypes
import matplotlib.pyplot as plt
libc = ctypes.CDLL(None, use_errno=True)
buf = ctypes.create_string_buffer(512)
top = libc.semctl(0, 0, 19, buf)  # SEM_INFO
seen = []
for idx in range(max(top, -1) + 1):
    for cmd in (20, 18):  # SEM_STAT_ANY, SEM_STAT
        sid = libc.semctl(idx, 0, cmd, buf)
        if sid >= 0:
            seen.append(sid)
            break
print("semaphore sets seen:", len(seen))
plt.title(f"PWNED: {len(seen)} semaphore sets" if seen else "blocked")
plt.plot([0, 1])
