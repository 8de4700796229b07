# expect: output_too_large
line = "x" * 4096
while True:
    print(line)
