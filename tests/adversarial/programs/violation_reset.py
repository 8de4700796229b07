# expect: forbidden
# A forbidden operation (a subprocess; the audit hook refuses it and the program catches
# the error), then the harness's private violation flag set back to None: the verdict "forbidden"
# must not be the program's to erase (the fix reports violations out of band).
import subprocess
import matplotlib.pyplot as plt
try:
    subprocess.run(["true"])
except OSError:
    pass
import codepercept.sandbox.child as harness
harness._state.violation = None
plt.title("PWNED: violation erased")
plt.plot([0, 1])
