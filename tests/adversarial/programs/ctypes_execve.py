# expect: ok
# texts: blocked
import ctypes
import matplotlib.pyplot as plt
libc = ctypes.CDLL(None)
argv = (ctypes.c_char_p * 4)(b"/bin/sh", b"-c", b"touch /tmp/cp_adv_pwned", None)
rc = libc.execve(b"/bin/sh", argv, None)
plt.title("blocked" if rc == -1 else "PWNED")
plt.plot([0, 1])
