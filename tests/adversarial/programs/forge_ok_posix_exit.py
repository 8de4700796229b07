# expect: ok crashed
# A complete, well-formed forged "ok" frame (a real PNG and scene of a figure titled FORGED) on
# the result pipe (fd 3), then the real _exit from posix (os._exit is the harness's stand-in):
# the harness never writes its own frame, so the executor sees only the program's. The result
# is the program's own word -- the sandbox guarantees containment, not honesty: this may end
# "ok" with the forged content (recorded by test_host_unchanged.py, which asserts what *is*
# guaranteed: no exception, a status from the closed set, the deadline, the next run ok).
# In a reusable worker the frame is the worker's ("CPRW" | length | frame; "S" was sent).
import io
import json
import posix
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
posix.write(3, worker_frame(frame) if worker else frame)
posix._exit(0)
