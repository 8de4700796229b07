"""Share of surveyed developers using each programming language (horizontal bars)."""

import matplotlib.pyplot as plt

langs = ["Python", "JavaScript", "Java", "C#", "Go", "Rust"]
share = [48, 63, 35, 27, 14, 13]
fig, ax = plt.subplots(figsize=(6.5, 4))
bars = ax.barh(langs, share, color="tab:purple")
ax.bar_label(bars, labels=[f"{s}%" for s in share], padding=3)
ax.invert_yaxis()
ax.set_xlabel("Developers (%)")
ax.set_xlim(0, 75)
ax.set_title("Languages used by developers")
