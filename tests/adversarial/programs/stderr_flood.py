# expect: output_too_large
import sys
line = "y" * 4096
while True:
    sys.stderr.write(line)
