# expect: forbidden crashed
# In a PID namespace the parent is outside it: getppid() is 0, and kill(0) signals the
# program's own process group (it dies: crashed); without one the hook refuses.
import os
import signal
os.kill(os.getppid(), signal.SIGKILL)
