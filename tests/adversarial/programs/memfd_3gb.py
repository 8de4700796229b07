# expect: ok memory_error crashed runtime_error forbidden
# texts: blocked
# Memory the address-space limit does not count: 52 memfds, each filled with os.write to 60 MB
# (under RLIMIT_FSIZE; never mapped, so RLIMIT_AS = memory_mb never sees them), hold ~3 GB of
# RAM with memory_mb=768. A correct sandbox charges them to the run (a memory cgroup: OOM kill
# -> memory_error) or refuses memfd_create (an error: caught, "blocked"); more than 1.25 GB held
# without an error means no limit applied. Time-bounded (3 s).
import os
import time
import matplotlib.pyplot as plt
chunk = b"\x5a" * (4 << 20)
held = 0
fds = []
err = ""
t0 = time.monotonic()
try:
    for i in range(52):
        fd = os.memfd_create(f"m{i}")
        fds.append(fd)
        for _ in range(15):  # 60 MB each
            os.write(fd, chunk)
            held += len(chunk)
        if time.monotonic() - t0 > 3.0:
            break
except (OSError, MemoryError) as exc:
    err = type(exc).__name__
print("held MB:", held >> 20, err)
if held >= (1280 << 20):
    title = f"PWNED: {held >> 20} MB outside the limit"
else:
    title = "blocked" if err else f"slow: {held >> 20} MB"
plt.title(title)
plt.plot([0, 1])
