# expect: forbidden
import os
fd = os.open("/dev/shm/cp_adv_pwned", os.O_CREAT | os.O_WRONLY)
os.write(fd, b"PWNED")
