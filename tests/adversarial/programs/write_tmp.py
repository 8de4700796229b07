# expect: forbidden
with open("/tmp/cp_adv_pwned", "w") as fh:
    fh.write("PWNED")
