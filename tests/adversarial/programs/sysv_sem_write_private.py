# expect: ok
# texts: blocked
# Overwrites the value of the test process's private (0600) semaphore (id passed in); the test
# checks afterwards that it still holds its value.
import ctypes
import matplotlib.pyplot as plt
libc = ctypes.CDLL(None, use_errno=True)
old = libc.semctl(__SEMID__, 0, 12)  # GETVAL
rc = libc.semctl(__SEMID__, 0, 16, ctypes.c_int(99))  # SETVAL
plt.title(f"PWNED: semaphore {old} -> 99" if rc == 0 or old >= 0 else "blocked")
plt.plot([0, 1])
