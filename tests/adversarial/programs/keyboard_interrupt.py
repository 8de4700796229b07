# expect: runtime_error
raise KeyboardInterrupt
