# expect: memory_error
big = [0] * (3 * 10**9)
