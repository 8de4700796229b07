# expect: runtime_error memory_error timeout
import threading
import time
threads = []
while True:
    t = threading.Thread(target=time.sleep, args=(100,))
    t.start()
    threads.append(t)
