# expect: ok
# texts: blocked
# setxattr(2) on a host file through libc: adds user.x to the test's canary (extended attributes
# are metadata Landlock does not cover). The test checks its xattrs afterwards.
import ctypes
import matplotlib.pyplot as plt
libc = ctypes.CDLL(None, use_errno=True)
rc = libc.setxattr(b"__CANARY__", b"user.x", b"1", ctypes.c_size_t(1), 0)
rc2 = libc.lsetxattr(b"__CANARY__", b"user.y", b"1", ctypes.c_size_t(1), 0)
plt.title("PWNED: setxattr" if rc == 0 or rc2 == 0 else "blocked")
plt.plot([0, 1])
