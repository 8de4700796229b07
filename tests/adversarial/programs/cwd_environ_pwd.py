# expect: ok forbidden
# texts: blocked
# What the environment says about the caller's directories: os.environ (PWD, OLDPWD, HOME) and
# the zygote's start-up block as /proc/self/environ still holds it; then reads the caller's
# reference_answer.txt and dotfiles in each directory named there.
import os
import matplotlib.pyplot as plt
dirs = [os.environ.get(k, "") for k in ("PWD", "OLDPWD", "HOME")]
try:
    with open("/proc/self/environ", "rb") as fh:
        for entry in fh.read().split(b"\0"):
            key, _, value = entry.decode(errors="replace").partition("=")
            if key in ("PWD", "OLDPWD", "HOME"):
                dirs.append(value)
except OSError:
    pass
found = []
for d in dict.fromkeys(filter(None, dirs)):
    for name in ("reference_answer.txt", ".bashrc", ".netrc"):
        try:
            with open(os.path.join(d, name)) as fh:
                found.append(fh.read(200))
        except OSError:
            pass
print(found)
plt.title(f"PWNED: {found[0]}" if found else "blocked")
plt.plot([0, 1])
