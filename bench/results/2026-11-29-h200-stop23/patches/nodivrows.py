# Variant "nodivrows": an expert's owner and local index by the division operators in the row
# paths only (FirstPairRow and the dispatch's sends of rows), by the FastDivisor elsewhere.
import re, sys
path = sys.argv[1]
s = open(path).read()
arg = r"([A-Za-z_][A-Za-z_0-9]*(?:\[[A-Za-z_0-9]+\])?)"
def plain(text):
    text, n1 = re.subn(r"layout\.OwnerOf\(" + arg + r"\)", r"(\1 / layout.local_experts)", text)
    text, n2 = re.subn(r"layout\.LocalExpertOf\(" + arg + r"\)", r"(\1 % layout.local_experts)", text)
    return text, n1 + n2
total = 0
for start, end in [("__device__ __forceinline__ int32_t FirstPairRow(", "// `token`'s ids, every one loaded"),
                   ("  } else if (!lines_out) {", "  // Receive. Each source's mode")]:
    a = s.index(start); b = s.index(end, a)
    part, n = plain(s[a:b]); total += n
    s = s[:a] + part + s[b:]
assert total >= 4, total
open(path, "w").write(s)
