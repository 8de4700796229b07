# expect: forbidden
import os
os.chdir("/tmp")
open("cp_adv_pwned", "w").write("PWNED")
