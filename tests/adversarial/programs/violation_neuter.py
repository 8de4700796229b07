# expect: forbidden
# violation_reset done in advance: a property on the harness's state class swallows every write
# of the violation flag, then a forbidden operation (a subprocess, caught); the class attribute is put
# back at the end (test_host_unchanged.py leaves it in a reusable worker, where it would erase
# later programs' violations too).
import subprocess
import matplotlib.pyplot as plt
import codepercept.sandbox.child as harness
type(harness._state).violation = property(lambda self: None, lambda self, value: None)
try:
    subprocess.run(["true"])
except OSError:
    pass
type(harness._state).violation = None  # the dataclass default, as it was
plt.title("PWNED: violation never recorded")
plt.plot([0, 1])
