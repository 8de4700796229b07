# expect: ok forbidden
# texts: blocked
# The caller's working directory seen through /proc: the zygote's (the parent's) cwd link and
# the executor's (__EXECPID__), read as a link and followed to reference_answer.txt.
import os
import matplotlib.pyplot as plt
found = []
for pid in (os.getppid(), __EXECPID__):
    for link in ("cwd", "root"):
        path = f"/proc/{pid}/{link}/reference_answer.txt"
        try:
            with open(path) as fh:
                found.append(fh.read(200))
        except OSError:
            pass
    try:
        target = os.readlink(f"/proc/{pid}/cwd")
        found.append(f"cwd is {target}")
        with open(os.path.join(target, "reference_answer.txt")) as fh:
            found.append(fh.read(200))
    except OSError:
        pass
print(found)
plt.title(f"PWNED: {found[0]}" if found else "blocked")
plt.plot([0, 1])
