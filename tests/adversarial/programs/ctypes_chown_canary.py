# expect: ok
# texts: blocked
# chown(2) on a host file through libc: gives the test's canary to nobody (65534), then tries
# the group alone. The test checks its owner afterwards.
import ctypes
import matplotlib.pyplot as plt
libc = ctypes.CDLL(None, use_errno=True)
rc = libc.chown(b"__CANARY__", 65534, 65534)
rc2 = libc.lchown(b"__CANARY__", -1, 65534)
plt.title("PWNED: chown" if rc == 0 or rc2 == 0 else "blocked")
plt.plot([0, 1])
