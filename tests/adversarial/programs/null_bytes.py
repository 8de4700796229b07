# expect: syntax_error
# The test appends a NUL byte to this file's text before running it.
x = 1
