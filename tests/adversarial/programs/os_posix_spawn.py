# expect: forbidden
import os
os.posix_spawn("/bin/touch", ["touch", "/tmp/cp_adv_pwned"], {})
