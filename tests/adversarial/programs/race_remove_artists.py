# expect: ok runtime_error crashed
# A daemon thread removes the figure's 300 markers one by one after the program's last line,
# i.e. while the harness renders the PNG and traces the scene: the image and the scene may then
# disagree (the title says n=300; either may show fewer). Nothing checks that here -- the
# program is hostile to our own consistency, not to the host; what is asserted is that the run
# ends, within its deadline, with a status from the closed set (docs/sandbox.md: the program
# shares the harness's process, so nothing the harness reads there is trusted).
import threading
import time
import matplotlib.pyplot as plt
fig, ax = plt.subplots()
markers = [ax.plot([i % 20], [i // 20], "o")[0] for i in range(300)]
ax.set_title("n=300")
done = threading.Event()


def remove() -> None:
    done.wait(5)
    for m in markers:
        try:
            m.remove()
        except Exception:
            pass
        time.sleep(0.0005)


threading.Thread(target=remove, daemon=True).start()
done.set()
