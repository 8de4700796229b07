# expect: forbidden
import os
os.system("touch /tmp/cp_adv_pwned")
