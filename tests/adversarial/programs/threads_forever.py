# expect: runtime_error
# (it leaves a thread running: the sandbox refuses to capture figures another thread can still
# change, and a reuse worker is retired)
import threading
import time
import matplotlib.pyplot as plt

def spin():
    while True:
        time.sleep(0.01)

for _ in range(4):
    threading.Thread(target=spin).start()
plt.plot([1, 2, 3])
