# expect: forbidden
import os
os.symlink("/tmp/cp_adv_pwned", "link")
open("link", "w").write("PWNED")
