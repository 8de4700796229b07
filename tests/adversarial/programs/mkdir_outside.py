# expect: forbidden no_figure
# With a private root, /tmp is the run's own scratch tmpfs: the write lands there and the
# host's /tmp stays untouched (the test checks it); without one the audit hook refuses it.
import os
os.makedirs("/tmp/cp_adv_pwned/sub", exist_ok=True)
