# expect: ok forbidden
# texts: blocked
# sys.path[0] of the zygote (started with python -m) is the caller's working directory, and the
# read allow-list takes every sys.path entry: reference_answer.txt there (and in any sys.path
# entry or its parent) must not be readable, nor may the directory be listed.
import os
import sys
import matplotlib.pyplot as plt
found = []
for p in dict.fromkeys(sys.path + [os.path.dirname(p) for p in sys.path if p]):
    try:
        with open(os.path.join(p or ".", "reference_answer.txt")) as fh:
            found.append(fh.read(200))
    except OSError:
        pass
print(found)
plt.title(f"PWNED: {found[0]}" if found else "blocked")
plt.plot([0, 1])
