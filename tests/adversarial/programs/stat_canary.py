# expect: ok forbidden
# texts: blocked
# Metadata of a host file outside every sandbox directory (the test's canary, __CANARY__):
# existence, size, owner, times. A run must not be able to probe the host's files this way.
import os
import matplotlib.pyplot as plt
try:
    st = os.stat("__CANARY__")
    title = f"PWNED: canary is {st.st_size} bytes, mode {oct(st.st_mode)}"
except OSError:
    title = "blocked"
plt.title(title)
plt.plot([0, 1])
