# expect: ok
# Saving to a path outside the private directory is captured, never written.
import matplotlib.pyplot as plt
plt.plot([1, 2, 3])
plt.savefig("/tmp/cp_adv_pwned.png")
plt.savefig("__REPO__/cp_adv_pwned.png")
plt.close()
