# expect: ok runtime_error output_too_large forbidden memory_error
# A chain of up to 3,000 directories, made with os.mkdir + a relative os.chdir into each (all
# inside the run's own directory, so nothing forbids it). What it attacks is the cleanup: the
# executor must remove the tree (Python 3.11's shutil.rmtree recurses once per level and raises
# RecursionError past ~1,000), run() must not raise, the executor must keep working and a new
# executor on the same workdir_root must start. A quota may stop it early (OSError: caught).
import os
import time
import matplotlib.pyplot as plt
depth = 0
err = ""
t0 = time.monotonic()
try:
    while depth < 3000 and time.monotonic() - t0 < 2.5:
        os.mkdir("d")
        os.chdir("d")
        depth += 1
except OSError as exc:
    err = type(exc).__name__
plt.title(f"depth {depth} {err}")
plt.plot([0, 1])
