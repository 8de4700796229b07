# expect: ok forbidden
# texts: blocked
# resource.prlimit (Python, not ctypes) on the executor's process (__EXECPID__): reads its
# open-files limit and writes the same value back. The audit hook does not know the event
# today; a sandbox that refuses it may do so in Python (forbidden) or in the kernel (EPERM).
import resource
import matplotlib.pyplot as plt
try:
    lim = resource.prlimit(__EXECPID__, resource.RLIMIT_NOFILE)
    resource.prlimit(__EXECPID__, resource.RLIMIT_NOFILE, lim)
    title = f"PWNED: the executor's NOFILE is {lim}"
except OSError:
    title = "blocked"
plt.title(title)
plt.plot([0, 1])
