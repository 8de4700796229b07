# expect: ok output_too_large memory_error runtime_error crashed
# texts: blocked
# fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 3 GB) through libc: reserves 3 GB of disk blocks while
# the file's size stays 0, so RLIMIT_FSIZE (a size limit) never applies. Only a quota on the
# run's directory stops it. The test compares the free space of the filesystems holding
# workdir_root and /tmp before and after.
import ctypes
import os
import matplotlib.pyplot as plt
libc = ctypes.CDLL(None, use_errno=True)
libc.fallocate.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_long, ctypes.c_long]
fd = os.open("reserved.bin", os.O_CREAT | os.O_WRONLY, 0o600)
rc = libc.fallocate(fd, 1, 0, 3 << 30)  # FALLOC_FL_KEEP_SIZE
held = os.fstat(fd).st_blocks * 512
print("reserved MB:", held >> 20)
plt.title(f"PWNED: {held >> 20} MB reserved" if rc == 0 or held >= (1 << 30) else "blocked")
plt.plot([0, 1])
