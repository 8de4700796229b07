# expect: syntax_error
def f():
return 1
