# expect: forbidden
import os
os.makedirs("/tmp/cp_adv_pwned/sub", exist_ok=True)
