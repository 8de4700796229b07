# expect: runtime_error output_too_large
with open("big.bin", "wb") as fh:
    for _ in range(1024):
        fh.write(b"\0" * (1 << 20))
