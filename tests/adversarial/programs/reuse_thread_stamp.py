# expect: runtime_error
# (it leaves a thread running: the sandbox refuses to capture figures another thread can still
# change, and a reuse worker is retired)
# Reusable workers: a thread started with _thread.start_new_thread is invisible to
# threading.active_count(), so the worker is not retired after this program and the thread
# lives on into the next programs on the same worker, titling their figures "PWNED by
# reuse_thread_stamp" (in the corpus that is whatever program follows on this worker: its test
# fails; test_host_unchanged.py runs the pair deterministically). Its own figure is left alone.
# Fresh children: the thread dies with the process. Bounded to 30 s. (The harness clears the
# program's globals when it ends, so the thread keeps what it needs in default arguments.)
import _thread
import time
import matplotlib.pyplot as plt
from matplotlib._pylab_helpers import Gcf
fig = plt.figure()
plt.title("stamper")
plt.plot([0, 1])
STAMP = "PWNED by reuse_thread_stamp"


def stamp(time=time, Gcf=Gcf, fig=fig, STAMP=STAMP) -> None:  # noqa: ANN001
    end = time.monotonic() + 30
    while time.monotonic() < end:
        try:
            for manager in list(Gcf.figs.values()):
                other = manager.canvas.figure
                if other is fig:
                    continue
                for ax in other.axes:
                    if ax.get_title() != STAMP:
                        ax.set_title(STAMP)
        except Exception:
            pass
        time.sleep(0.001)


_thread.start_new_thread(stamp, ())
