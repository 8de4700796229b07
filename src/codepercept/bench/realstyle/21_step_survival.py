# domain: statistics
# Kaplan-Meier style survival curves as step plots with censoring marks
import matplotlib.pyplot as plt
import numpy as np

rng = np.random.default_rng(5)


def km_curve(times, events):
    order = np.argsort(times)
    times, events = times[order], events[order]
    at_risk = len(times)
    surv = [1.0]
    t_out = [0.0]
    for t, e in zip(times, events, strict=True):
        if e:
            surv.append(surv[-1] * (1 - 1 / at_risk))
            t_out.append(t)
        at_risk -= 1
    return np.array(t_out), np.array(surv), times[~events.astype(bool)]


fig, ax = plt.subplots(figsize=(8, 5))
for label, scale, color in [("placebo", 14, "#e6550d"), ("drug X", 24, "#3182bd")]:
    times = rng.exponential(scale, 40).clip(max=48)
    events = (rng.uniform(size=40) < 0.8) & (times < 48)
    t, s, censored = km_curve(times, events)
    ax.step(t, s, where="post", color=color, lw=2, label=f"{label} (n = 40)")
    cs = np.interp(censored, t, s)
    ax.plot(censored, cs, "|", color=color, markersize=10, markeredgewidth=1.5)

ax.axhline(0.5, color="gray", ls="--", lw=1)
ax.text(1, 0.52, "median survival", color="gray", fontsize=9)
ax.set_xlim(0, 48)
ax.set_ylim(0, 1.05)
ax.set_xlabel("months since randomisation")
ax.set_ylabel("survival probability")
ax.set_title("Overall survival")
ax.legend(loc="upper right")
plt.show()
