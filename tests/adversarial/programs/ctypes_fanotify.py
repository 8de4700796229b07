# expect: ok
# texts: blocked
# fanotify through libc: fanotify_init (the unprivileged flavour, FAN_REPORT_FID) and an inode
# mark for creations on /tmp and on the executor's workdir_root (__WORKROOT__), read for ~1 s.
# PWNED if a mark is accepted or any event arrives.
import ctypes
import os
import select
import time
import matplotlib.pyplot as plt
libc = ctypes.CDLL(None, use_errno=True)
libc.fanotify_mark.argtypes = [ctypes.c_int, ctypes.c_uint, ctypes.c_uint64, ctypes.c_int,
                               ctypes.c_char_p]
fd = libc.fanotify_init(0x200 | 0x2, os.O_RDONLY)  # FAN_REPORT_FID | FAN_NONBLOCK
if fd < 0:
    fd = libc.fanotify_init(0x2, os.O_RDONLY)  # FAN_CLASS_NOTIF (needs CAP_SYS_ADMIN)
marks = 0
events = 0
if fd >= 0:
    for path in (b"/tmp", b"__WORKROOT__"):
        mask = 0x100 | 0x200 | 0x40000000 | 0x08000000  # CREATE DELETE ONDIR EVENT_ON_CHILD
        marks += libc.fanotify_mark(fd, 1, mask, -100, path) == 0  # FAN_MARK_ADD, AT_FDCWD
    end = time.monotonic() + 1.0
    while marks and time.monotonic() < end:
        if select.select([fd], [], [], 0.1)[0]:
            try:
                events += len(os.read(fd, 65536)) > 0
            except BlockingIOError:
                pass
print("fanotify fd", fd, "marks", marks, "events", events)
plt.title(f"PWNED: {marks} marks, {events} reads" if marks or events else "blocked")
plt.plot([0, 1])
