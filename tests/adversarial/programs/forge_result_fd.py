# expect: crashed
# Writes a forged, well-formed frame to the result pipe; the harness's real frame follows it,
# so the parent sees trailing bytes and rejects the whole result instead of trusting either.
import json
import os
import struct
header = json.dumps({"status": "ok", "message": "PWNED", "n_images": 0}).encode()
os.write(3, b"CPR1" + struct.pack("<I", len(header)) + header + struct.pack("<I", 0))
import matplotlib.pyplot as plt
plt.plot([1, 2])
