# expect: forbidden
open("__REPO__/cp_adv_pwned", "w").write("PWNED")
