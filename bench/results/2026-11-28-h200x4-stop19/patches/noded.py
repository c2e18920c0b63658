# Variant "noded" of the benchmark (timing of a2a_ll only): the a2a_ll_dedup instances are not
# created, so each rank holds two a2a_ll windows per SM budget, as stop 16's benchmark did, not three.
import sys
path = sys.argv[1]
s = open(path).read()
old = """      A2aLlOptions dedup_options = A2aLlOptionsFor(sms);
      dedup_options.rank_dedup_rows = kA2aLlRankDedupRowsAuto;
      PADGRAPH_ASSIGN_OR_RETURN(A2aLl dedup, A2aLl::Create(s.comm.get(), dedup_options));
      s.a2a_dedup.emplace(sms, std::move(dedup));
"""
assert s.count(old) == 1
open(path, "w").write(s.replace(old, ""))
