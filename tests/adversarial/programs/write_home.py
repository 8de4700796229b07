# expect: forbidden runtime_error
# __HOME__ is the caller's home directory (the child's HOME is its private dir). With a private
# root it does not exist for the program (FileNotFoundError); without one the hook refuses.
with open("__HOME__/cp_adv_pwned", "w") as fh:
    fh.write("PWNED")
