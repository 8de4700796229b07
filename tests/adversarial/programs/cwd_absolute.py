# expect: ok forbidden
# texts: blocked
# The caller's working directory by its absolute path (__CWD__, as a program could guess or
# learn it): reference_answer.txt must be neither readable nor listed, nor statted.
import os
import matplotlib.pyplot as plt
title = "blocked"
try:
    with open("__CWD__/reference_answer.txt") as fh:
        title = "PWNED: " + fh.read(200)
except OSError:
    pass
for probe in (os.listdir, os.stat):
    try:
        probe("__CWD__" if probe is os.listdir else "__CWD__/reference_answer.txt")
        title = title if title != "blocked" else f"PWNED: {probe.__name__} worked"
    except OSError:
        pass
plt.title(title)
plt.plot([0, 1])
