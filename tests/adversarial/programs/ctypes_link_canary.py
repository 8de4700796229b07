# expect: ok
# texts: blocked
# link(2) of a host file into the run's own directory, through libc: the private directory is
# readable and writable, so a hard link there would expose the test's canary to both.
import ctypes
import matplotlib.pyplot as plt
libc = ctypes.CDLL(None, use_errno=True)
rc = libc.link(b"__CANARY__", b"canary_link")
title = "blocked"
if rc == 0:
    try:
        title = "PWNED: " + open("canary_link").read()
    except OSError:
        title = "PWNED: linked"
plt.title(title)
plt.plot([0, 1])
