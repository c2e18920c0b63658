# Subtractive probes of a2a_ll's row path (timing only: results may be wrong, so the bench's check
# is ignored). Usage: probe.py VARIANT[+VARIANT...]
import sys
cu = '/work/main/ep_backend/src/a2a_ll.cu'
bench = '/work/main/bench/dispatch_combine_bench.cc'
def patch(path, a, b):
    s = open(path).read()
    assert s.count(a) == 1, (path, s.count(a), a)
    open(path, 'w').write(s.replace(a, b))
PATCHES = {
    'unroll16': ('constexpr int kCopyUnroll = 8;', 'constexpr int kCopyUnroll = 16;'),
    'nosum': ('const size_t items = static_cast<size_t>(rows) * words;', 'const size_t items = 0;'),
    'nocsend': ('const int total = expired || peer_takes_lines ? 0 : prefix[local_experts];',
                'const int total = 0;'),
    'nodcopy': ('          CopyRow(p.x + static_cast<size_t>(token) * words,',
                '          if (rows < 0) CopyRow(p.x + static_cast<size_t>(token) * words,'),
    'noscan': ('for (int t0 = 0; t0 < begin; t0 += kWarpSize) {',
               'for (int t0 = 0; t0 < 0; t0 += kWarpSize) {'),
    'nofence': ('''    if (peer_takes_lines) {
      StoreRelaxedSys(flag, word);
    } else {
      __threadfence_system();
      StoreReleaseSys(flag, word);
    }''', '''    StoreRelaxedSys(flag, word);'''),
    'nodrelease': ('''        if (moved != 0) {
          StoreReleaseSys(flag, FlagWord(epoch, c.layer, slot));''', '''        if (moved != 0) {
          StoreRelaxedSys(flag, FlagWord(epoch, c.layer, slot));'''),
    'noitems': ('''      const int end = static_cast<int>(static_cast<int64_t>(rows) * (part_index + 1) / parts);''',
                '''      const int end = begin;'''),
    'noinvalid': ('''    for (int token = blockIdx.x * blockDim.x + threadIdx.x; token < rows;
         token += gridDim.x * blockDim.x) {
      int32_t id[kA2aLlMaxTopK];''', '''    for (int token = blockIdx.x * blockDim.x + threadIdx.x; token < 0;
         token += gridDim.x * blockDim.x) {
      int32_t id[kA2aLlMaxTopK];'''),
    'nocprefix': ('  if (!peer_takes_lines) BlockExclusiveScan(prefix, local_experts);', ''),
    'scantwice': ('''      const int first_slot = slot;''', '''      for (int t0 = 0; t0 < begin; t0 += kWarpSize) {
        slot -= __popc(
            __ballot_sync(kFullMask, FindExpert(p.topk_ids, top_k, t0 + lane, begin, expert) >= 0));
      }
      for (int t0 = 0; t0 < begin; t0 += kWarpSize) {
        slot += __popc(
            __ballot_sync(kFullMask, FindExpert(p.topk_ids, top_k, t0 + lane, begin, expert) >= 0));
      }
      const int first_slot = slot;'''),
    'owntwice': ('''      const int first_slot = slot;''', '''      int extra = 0;
      for (int t0 = begin; t0 < end; t0 += kWarpSize) {
        extra += __popc(
            __ballot_sync(kFullMask, FindExpert(p.topk_ids, top_k, t0 + lane, end, expert) >= 0));
      }
      slot += extra == 1000000 ? 1 : 0;
      const int first_slot = slot;'''),
}
variants = sys.argv[1].split('+')
if any(v != 'unroll16' for v in variants):
    patch(bench, 'PADGRAPH_RETURN_IF_ERROR(CheckA2aLl(s, A2aLlOf(s, backend, sms), routing, rows));',
          '(void)CheckA2aLl(s, A2aLlOf(s, backend, sms), routing, rows);')
for v in variants:
    patch(cu, *PATCHES[v])
