# expect: ok
# texts: blocked
# chmod(2) on a host file through libc (Python's os.chmod is refused by the audit hook): Landlock
# does not cover metadata, and a root child with capabilities dropped still owns root's files.
# __CANARY__ is a 0600 file of the test's, outside every sandbox directory; the test checks its
# mode afterwards.
import ctypes
import matplotlib.pyplot as plt
libc = ctypes.CDLL(None, use_errno=True)
rc = libc.chmod(b"__CANARY__", 0o777)
plt.title("PWNED: chmod 0777" if rc == 0 else "blocked")
plt.plot([0, 1])
