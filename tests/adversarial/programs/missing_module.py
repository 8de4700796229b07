# expect: runtime_error
import seaborn_does_not_exist
