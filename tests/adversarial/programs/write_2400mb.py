# expect: ok output_too_large memory_error runtime_error crashed
# texts: blocked
# Plain writes, each file under RLIMIT_FSIZE (48 MB each, fsize_mb=64), 2.4 GB in all: a size
# limit per file does not bound the disk a run uses; a quota on its directory does (ENOSPC /
# EDQUOT: caught, "blocked"). Time-bounded (3 s): a run that wrote 2.4 GB, or was still writing
# when time ran out with 256 MB or more on disk, met no quota (a quota on a tmpfs is reached in
# well under a second).
import os
import time
import matplotlib.pyplot as plt
chunk = b"\0" * (4 << 20)
written = 0
err = ""
t0 = time.monotonic()
try:
    for i in range(50):
        with open(f"fill{i}.bin", "wb") as fh:
            for _ in range(12):
                fh.write(chunk)
                written += len(chunk)
        if time.monotonic() - t0 > 3.0:
            break
except OSError as exc:
    err = type(exc).__name__
print("written MB:", written >> 20, err)
if err:
    title = "blocked"
else:
    title = f"PWNED: {written >> 20} MB, no quota" if written >= (256 << 20) else "slow"
plt.title(title)
plt.plot([0, 1])
