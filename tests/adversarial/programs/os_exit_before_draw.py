# expect: no_figure
import os
os._exit(0)
