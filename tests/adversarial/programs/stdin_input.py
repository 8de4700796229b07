# expect: runtime_error
name = input("your name? ")
