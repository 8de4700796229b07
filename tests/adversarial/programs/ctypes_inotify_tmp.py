# expect: ok
# texts: blocked
# inotify through libc on /tmp (the host's shared temp directory), read for ~1.5 s while sibling
# runs come and go: a watch is a channel into host activity (names of files created and removed
# there). PWNED if the watch succeeds or any event arrives.
import ctypes
import os
import select
import time
import matplotlib.pyplot as plt
libc = ctypes.CDLL(None, use_errno=True)
fd = libc.inotify_init1(os.O_NONBLOCK)
wd = libc.inotify_add_watch(fd, b"/tmp", 0xFFF) if fd >= 0 else -1  # IN_ALL_EVENTS
events = 0
if wd >= 0:
    end = time.monotonic() + 1.5
    while time.monotonic() < end:
        if select.select([fd], [], [], 0.1)[0]:
            try:
                events += len(os.read(fd, 65536)) > 0
            except BlockingIOError:
                pass
print("watch", wd, "events", events)
plt.title(f"PWNED: watch {wd}, {events} reads" if wd >= 0 or events else "blocked")
plt.plot([0, 1])
