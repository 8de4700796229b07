# expect: memory_error
import numpy as np
big = np.ones(10 * 1024**3 // 8)
