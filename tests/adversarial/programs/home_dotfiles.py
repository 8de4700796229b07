# expect: ok forbidden
# texts: blocked
# The caller's HOME (__HOME__, a fake home the test made, holding .bashrc, .netrc and a token
# under .config with the secret): its dotfiles must be neither readable nor listed.
import os
import matplotlib.pyplot as plt
found = []
for name in (".bashrc", ".netrc", ".config/codepercept/token", ".ssh/id_ed25519"):
    try:
        with open(os.path.join("__HOME__", name)) as fh:
            found.append(fh.read(200))
    except OSError:
        pass
for d in ("__HOME__", "__HOME__/.config"):
    try:
        found.append("listed " + " ".join(sorted(os.listdir(d))))
    except OSError:
        pass
print(found)
plt.title(f"PWNED: {found[0]}" if found else "blocked")
plt.plot([0, 1])
