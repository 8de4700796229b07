# expect: ok forbidden
# texts: blocked
# Metadata outside the allow-list: os.stat('/etc/shadow') (Landlock governs opening, not stat)
# tells a run the file exists and its size, owner and times.
import os
import matplotlib.pyplot as plt
try:
    st = os.stat("/etc/shadow")
    title = f"PWNED: /etc/shadow is {st.st_size} bytes"
except OSError:
    title = "blocked"
plt.title(title)
plt.plot([0, 1])
