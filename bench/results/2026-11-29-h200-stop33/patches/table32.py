# Probe: the slot table's masks in 32-bit words (shared atomicOr on 32 bits) instead of 64-bit ones.
import sys
path = sys.argv[1]
s = open(path).read()
def sub(old, new, count=1):
    global s
    assert s.count(old) == count, (s.count(old), old)
    s = s.replace(old, new)
sub("constexpr int kWordBits = 64;", "constexpr int kWordBits = 32;")
sub("static_assert(kA2aLlMaxLineRows <= kWordBits && kA2aLlMaxSpreadRows % kWordBits == 0,",
    "static_assert(kA2aLlMaxLineRows % kWordBits == 0 && kA2aLlMaxSpreadRows % kWordBits == 0,")
sub("""      kSends == A2aLlSends::kLinesOneUnit ? 1 : kA2aLlMaxSpreadRows / kWordBits;""",
    """      kSends == A2aLlSends::kLinesOneUnit ? kA2aLlMaxLineRows / kWordBits
                                          : kA2aLlMaxSpreadRows / kWordBits;""")
sub("__shared__ unsigned long long expert_tokens[kTokenWords][kA2aLlMaxExperts];",
    "__shared__ uint32_t expert_tokens[kTokenWords][kA2aLlMaxExperts];")
sub("const int table_rows = kTokenWords == 1 ? layout.shape.line_rows : kA2aLlMaxSpreadRows;",
    "const int table_rows =\n      kSends == A2aLlSends::kLinesOneUnit ? layout.shape.line_rows : kA2aLlMaxSpreadRows;")
sub("""          atomicOr(&expert_tokens[kTokenWords == 1 ? 0 : token / kWordBits][id],
                   1ull << (token % kWordBits));""", """          atomicOr(&expert_tokens[token / kWordBits][id], 1u << (token % kWordBits));""")
sub("""    const int word = kTokenWords == 1 ? 0 : token / kWordBits;
    int slot = __popcll(expert_tokens[word][expert] & ((1ull << (token % kWordBits)) - 1));""",
    """    const int word = token / kWordBits;
    int slot = __popc(expert_tokens[word][expert] & ((1u << (token % kWordBits)) - 1));""")
sub("""      slot += w < word ? __popcll(expert_tokens[w][expert]) : 0;""",
    """      slot += w < word ? __popc(expert_tokens[w][expert]) : 0;""")
sub("""      count += __popcll(expert_tokens[w][expert]);""", """      count += __popc(expert_tokens[w][expert]);""")
open(path, 'w').write(s)
