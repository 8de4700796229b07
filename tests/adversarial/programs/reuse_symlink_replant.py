# expect: runtime_error
# (it leaves a thread running: the sandbox refuses to capture figures another thread can still
# change, and a reuse worker is retired)
# Reusable workers: the executor empties the worker's directory between programs and then
# writes the next program to program.py there, following symlinks. A thread of this program
# (_thread: invisible to the worker's thread check, so the worker is kept) watches the directory
# (inotify) and, as soon as the executor starts deleting, re-plants program.py as a symlink to a
# host file (__CANARY__) in a tight loop; 1,500 padding files keep the executor deleting for a
# while. The executor then writes the next program's text into the canary, as root (the review:
# 3/3). The test checks the canary's content. Without inotify it spins for at most 3 s. (The
# harness clears the program's globals when it ends: the thread keeps what it needs as
# defaults.)
import _thread
import ctypes
import os
import select
import time
import matplotlib.pyplot as plt
libc = ctypes.CDLL(None, use_errno=True)
here = os.getcwd()
link = os.path.join(here, "program.py").encode()
for i in range(1500):
    libc.close(libc.open(f"pad{i}".encode(), os.O_CREAT | os.O_WRONLY, 0o600))


def replant(libc=libc, os=os, select=select, time=time,  # noqa: ANN001
            link=link, here=here) -> None:  # fmt: skip
    fd = libc.inotify_init1(os.O_NONBLOCK)
    wd = libc.inotify_add_watch(fd, here.encode(), 0x200) if fd >= 0 else -1  # IN_DELETE
    end = time.monotonic() + (30 if wd >= 0 else 3)
    while time.monotonic() < end:
        if wd >= 0:  # sleep until the executor deletes something here
            if not select.select([fd], [], [], 0.5)[0]:
                continue
            try:
                os.read(fd, 1 << 16)
            except BlockingIOError:
                continue
        spin = time.monotonic() + 0.2
        while time.monotonic() < spin:
            if libc.symlink(b"__CANARY__", link) == 0:
                break


_thread.start_new_thread(replant, ())
plt.title("replanter")
plt.plot([0, 1])
