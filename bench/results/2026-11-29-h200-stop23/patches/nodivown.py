# Variant "nodivown": an expert's owner and local index by the division operators again.
import re, sys
path = sys.argv[1]
s = open(path).read()
arg = r"([A-Za-z_][A-Za-z_0-9]*(?:\[[A-Za-z_0-9]+\])?)"
s, n1 = re.subn(r"layout\.OwnerOf\(" + arg + r"\)", r"(\1 / layout.local_experts)", s)
s, n2 = re.subn(r"layout\.LocalExpertOf\(" + arg + r"\)", r"(\1 % layout.local_experts)", s)
assert n1 >= 5 and n2 >= 4, (n1, n2)
assert "OwnerOf(" not in s and "LocalExpertOf(" not in s
open(path, "w").write(s)
