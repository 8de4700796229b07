# expect: forbidden
import os
open("local.txt", "w").write("x")
os.rename("local.txt", "/tmp/cp_adv_pwned")
