# expect: ok
# texts: blocked
import matplotlib.pyplot as plt
try:
    with open("/proc/__PID__/environ", "rb") as fh:
        title = fh.read().decode(errors="replace").replace("\0", " ")
except OSError:
    title = "blocked"
plt.title(title)
plt.plot([0, 1])
