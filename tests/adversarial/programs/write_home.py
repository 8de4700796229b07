# expect: forbidden
# __HOME__ is the caller's real home directory (the child's HOME is its private dir).
with open("__HOME__/cp_adv_pwned", "w") as fh:
    fh.write("PWNED")
