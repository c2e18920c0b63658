# loopvote (folder 7), from the repository root at 33a2de7: git apply loopvote.patch, then this (lines::ConvergeWarp, a vote).
p='ep_backend/src/lines.cuh'
s=open(p).read()
old='''// The 16 bytes a lane stores'''
new='''// The calling lane's whole warp, converged (a vote: no memory ordering, unlike __syncwarp).
__device__ __forceinline__ void ConvergeWarp() {
  asm volatile("{ .reg .b32 v; vote.sync.ballot.b32 v, 1, 0xffffffff; }" ::: "memory");
}

// The 16 bytes a lane stores'''
assert s.count(old)==1
open(p,'w').write(s.replace(old,new))
