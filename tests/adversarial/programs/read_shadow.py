# expect: ok
# texts: blocked
import matplotlib.pyplot as plt
try:
    title = open("/etc/shadow").read()[:40]
except OSError:
    title = "blocked"
plt.title(title)
plt.plot([0, 1])
