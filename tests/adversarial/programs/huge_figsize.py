# expect: output_too_large
import matplotlib.pyplot as plt
fig = plt.figure(figsize=(1000, 1000), dpi=300)
plt.plot([0, 1])
plt.savefig("big.png", dpi=300)
