# expect: ok memory_error crashed runtime_error forbidden
# texts: blocked
# memfd_3gb through libc (memfd_create + write), so no Python-level hook sees it: 52 memfds of
# 60 MB, ~3 GB of RAM outside RLIMIT_AS with memory_mb=768.
import ctypes
import time
import matplotlib.pyplot as plt
libc = ctypes.CDLL(None, use_errno=True)
chunk = ctypes.create_string_buffer(b"\x5a" * (4 << 20), 4 << 20)
held = 0
failed = False
t0 = time.monotonic()
for i in range(52):
    fd = libc.memfd_create(f"m{i}".encode(), 0)
    if fd < 0:
        failed = True
        break
    for _ in range(15):  # 60 MB each
        n = libc.write(fd, chunk, ctypes.c_size_t(4 << 20))
        if n <= 0:
            failed = True
            break
        held += n
    if failed or time.monotonic() - t0 > 3.0:
        break
print("held MB:", held >> 20)
if held >= (1280 << 20):
    title = f"PWNED: {held >> 20} MB outside the limit"
else:
    title = "blocked" if failed else f"slow: {held >> 20} MB"
plt.title(title)
plt.plot([0, 1])
