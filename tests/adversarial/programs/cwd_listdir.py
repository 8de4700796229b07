# expect: ok forbidden
# texts: blocked
# Lists every sys.path entry (the first is the caller's working directory) looking for the
# caller's files: even the name reference_answer.txt is more than a run should learn.
import os
import sys
import matplotlib.pyplot as plt
hits = []
for p in dict.fromkeys(sys.path):
    try:
        if "reference_answer.txt" in os.listdir(p or "."):
            hits.append(p)
    except OSError:
        pass
print(hits)
plt.title(f"PWNED: listed {hits[0]}" if hits else "blocked")
plt.plot([0, 1])
