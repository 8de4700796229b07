# expect: forbidden
import subprocess
subprocess.run(["touch", "/tmp/cp_adv_pwned"])
