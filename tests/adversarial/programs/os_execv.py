# expect: forbidden
import os
os.execv("/bin/sh", ["sh", "-c", "touch /tmp/cp_adv_pwned"])
