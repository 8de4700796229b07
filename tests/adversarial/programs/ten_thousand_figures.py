# expect: output_too_large
import matplotlib.pyplot as plt
for i in range(10000):
    plt.figure()
    plt.plot([0, i])
