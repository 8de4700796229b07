# expect: syntax_error
# The test appends the byte 0xff to this file's text before running it.
x = 1
