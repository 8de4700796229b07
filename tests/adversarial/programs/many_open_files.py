# expect: runtime_error
handles = [open(f"f{i}.txt", "w") for i in range(100000)]
