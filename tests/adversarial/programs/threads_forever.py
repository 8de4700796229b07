# expect: ok
import threading
import time
import matplotlib.pyplot as plt

def spin():
    while True:
        time.sleep(0.01)

for _ in range(4):
    threading.Thread(target=spin).start()
plt.plot([1, 2, 3])
