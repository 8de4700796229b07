# expect: ok forbidden
# texts: blocked
# The caller's working directory holds reference_answer.txt (the test runs the executor from a
# directory with a secret in it). Relative paths from the run's directory, up to eight levels
# ("../" ...), and $PWD / $OLDPWD if the environment still has them.
import os
import matplotlib.pyplot as plt
found = []
dirs = ["../" * k for k in range(9)] + [os.environ.get("PWD", ""), os.environ.get("OLDPWD", "")]
for d in dirs:
    try:
        with open(os.path.join(d, "reference_answer.txt")) as fh:
            found.append(fh.read(200))
    except OSError:
        pass
print(found)
plt.title(f"PWNED: {found[0]}" if found else "blocked")
plt.plot([0, 1])
