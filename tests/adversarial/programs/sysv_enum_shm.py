# expect: ok
# texts: blocked
# Enumerates the IPC namespace's shared memory segments: shmctl(0, SHM_INFO) gives the highest
# index in use, SHM_STAT_ANY / SHM_STAT on each index name a segment. The test holds a private
# segment of its own (and siblings may plant theirs): a run that can list any segment sees the
# host's IPC objects. This program creates none, so in a private namespace the list is empty.
import ctypes
import matplotlib.pyplot as plt
libc = ctypes.CDLL(None, use_errno=True)
buf = ctypes.create_string_buffer(512)
top = libc.shmctl(0, 14, buf)  # SHM_INFO
seen = []
for idx in range(max(top, -1) + 1):
    for cmd in (15, 13):  # SHM_STAT_ANY, SHM_STAT
        sid = libc.shmctl(idx, cmd, buf)
        if sid >= 0:
            seen.append(sid)
            break
print("segments seen:", len(seen))
plt.title(f"PWNED: {len(seen)} segments" if seen else "blocked")
plt.plot([0, 1])
