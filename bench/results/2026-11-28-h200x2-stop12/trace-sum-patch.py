# Applied after trace-patch.py: marks in the combine's line sum (block 0 thread 0, its first unit):
# 7 round 1's routes and weights loaded (e507c69 and before: 834e91f's sum loads no routes), 14
# round 1's lines arrived, 15 round 2's; and, per rank, the other rank's "lines sent" mark
# (loopback ranks share a GPU, so one clock). Applies to e507c69 and to 834e91f.
p='/work/main/ep_backend/src/a2a_ll.cu'
s=open(p).read()
def rep(a,b,count=1):
    global s
    assert s.count(a)==count, (s.count(a), a)
    s=s.replace(a,b)
routes_anchor = '''#pragma unroll
        for (int u = 0; u < kLineSumLoads; ++u)
          sent[u] = k0 + u < top_k && (valid >> (k0 + u) & 1u);'''
if routes_anchor in s:
  rep(routes_anchor,'''#pragma unroll
        for (int u = 0; u < kLineSumLoads; ++u)
          sent[u] = k0 + u < top_k && (valid >> (k0 + u) & 1u);
        if (k0 == 0 && unit == warp_id) {
          asm volatile("" ::"r"(route[0]), "r"(route[kLineSumLoads - 1]), "f"(weight[0]), "r"(valid));
          Mark(epoch, 7);
        }''')
for await_call in ('''        arrived = AwaitLineParts(c, at, want, owner_of, poison_of, unit, low, high);''',
                   '''            c, at, want, owner_of, poison_of, [&] { return valid >> k0; }, unit, low, high);'''):
  if await_call in s:
    rep(await_call, await_call + '''
        if (unit == warp_id) Mark(epoch, k0 == 0 ? 14 : 15);''')
rep('''  std::printf("trace %s rank %d (%d it) us:''','''  double peer_lines = 0, sum_marks[3] = {};
  for (int e = 0; e < 64; ++e) {
    auto& r = t[rank][e];
    bool ok = r[0] && r[13] > r[0] && r[13] - r[0] < 1000000 && r[8] >= r[0];
    if (!ok) continue;
    peer_lines += (double)(long long)(t[rank ^ 1][e][10] - r[0]);
    sum_marks[0] += r[7] ? (double)(long long)(r[7] - r[0]) : 0;
    sum_marks[1] += r[14] ? (double)(long long)(r[14] - r[0]) : 0;
    sum_marks[2] += r[15] ? (double)(long long)(r[15] - r[0]) : 0;
  }
  std::printf("trace %s rank %d sum: peer's lines sent %.2f | routes %.2f round1 %.2f round2 %.2f\\n", what, rank,
    peer_lines/n/1e3, sum_marks[0]/n/1e3, sum_marks[1]/n/1e3, sum_marks[2]/n/1e3);
  std::printf("trace %s rank %d (%d it) us:''')
open(p,'w').write(s)
