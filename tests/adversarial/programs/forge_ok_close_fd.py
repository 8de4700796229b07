# expect: ok crashed
# forge_ok_posix_exit's forged "ok" frame (figure titled FORGED) on fd 3, then fd 3 closed and
# the program ends normally: the harness cannot write its own frame after it, so the forged one
# is all the executor reads. The result is the program's word (see forge_ok_posix_exit).
import io
import json
import os
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
os.write(3, worker_frame(frame) if worker else frame)
os.close(3)
