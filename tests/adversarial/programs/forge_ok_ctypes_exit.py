# expect: ok crashed
# forge_ok_posix_exit through libc: write(2) of the forged "ok" frame (figure titled FORGED)
# to fd 3 and _exit(2), past every Python-level stand-in. The result is the program's word.
import ctypes
import io
import json
import sys
import matplotlib.pyplot as plt
from codepercept.sandbox.protocol import encode_result, worker_frame
from codepercept.scene.tracer import trace_figures
fig = plt.figure()
plt.title("FORGED")
plt.plot([0, 1])
buf = io.BytesIO()
fig.savefig(buf, format="png")
scene = json.dumps(trace_figures([fig]).to_dict()).encode()
frame = encode_result({"status": "ok", "message": "", "timings": {}}, [buf.getvalue()], scene)
f, worker = sys._getframe(), False
while f is not None:
    worker |= f.f_code.co_name == "run_worker"
    f = f.f_back
data = worker_frame(frame) if worker else frame
libc = ctypes.CDLL(None)
libc.write(3, data, len(data))
libc._exit(0)
