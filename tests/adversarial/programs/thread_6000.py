# expect: ok runtime_error memory_error crashed
# texts: capped
# 6,000 threads in 3 s, each with a 64 KiB stack and all on one malloc arena (mallopt), so
# RLIMIT_AS -- which stops thread_bomb's 8 MB stacks after ~100, and a thread per 64 MB arena
# after ~800 -- does not: the number of tasks a run may have must be capped (a pids limit:
# thread creation fails, RuntimeError, caught). The test also samples the threads of the
# sandbox's processes during the corpus and bounds their peak.
import ctypes
import threading
import time
import matplotlib.pyplot as plt
ctypes.CDLL(None).mallopt(-8, 1)  # M_ARENA_MAX = 1
threading.stack_size(64 * 1024)
stop = threading.Event()
n = 0
err = ""
t0 = time.monotonic()
try:
    while n < 6000 and time.monotonic() - t0 < 3.0:
        threading.Thread(target=stop.wait, args=(10,), daemon=True).start()
        n += 1
except (RuntimeError, MemoryError) as exc:
    err = type(exc).__name__
print("threads", n, err)
if err:
    title = f"capped {n} {err}"
else:  # no cap met: 2,000 threads in one run is already past any sane pids limit
    title = f"PWNED: {n} threads" if n >= 2000 else f"slow: {n} threads"
plt.title(title)
plt.plot([0, 1])
