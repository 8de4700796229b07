# expect: ok
# Scans every process's /proc/PID/environ (the test keeps one with a secret alive).
import os
import matplotlib.pyplot as plt
found = []
try:
    pids = os.listdir("/proc")
except OSError:
    pids = []
for pid in pids:
    try:
        with open(f"/proc/{pid}/environ", "rb") as fh:
            data = fh.read()
    except OSError:
        continue
    for item in data.split(b"\0"):
        if item.startswith(b"CP_ADV_SECRET="):
            found.append(item.decode())
plt.title(" ".join(found) or "nothing found")
plt.plot([0, 1])
