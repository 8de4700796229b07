# expect: ok
# texts: blocked
# Removes (IPC_RMID) a private segment of the test process (id passed in): a run must not be
# able to destroy the host's IPC objects. The test checks that the segment still exists.
import ctypes
import matplotlib.pyplot as plt
libc = ctypes.CDLL(None, use_errno=True)
rc = libc.shmctl(__VICTIM_SHMID__, 0, None)  # IPC_RMID
plt.title("PWNED: removed the host's segment" if rc == 0 else "blocked")
plt.plot([0, 1])
