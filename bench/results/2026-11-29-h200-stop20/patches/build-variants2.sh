# Stop 20: folder 4's binaries: lr8 = the tree with the bound at four units a warp and the loopback
# instances' line_rows raised to 8 (bench only); lr8w8 = the same with the bound at eight.
set -e
cd /work/main
tools/build-gpu.sh > /tmp/bv.log 2>&1
tar -xpf build-gpu.objects.tar -C build-gpu
cp ep_backend/src/a2a_ll.cu /tmp/sass/a2a_ll_work.cu; cp bench/dispatch_combine_bench.cc /tmp/sass/bench_work.cc
mk() { cmake --build build-gpu --target dispatch_combine_bench > /dev/null; cp build-gpu/bench/dispatch_combine_bench build-gpu/bench/dispatch_combine_bench_$1; }
python3 - <<'PY'
p='bench/dispatch_combine_bench.cc'
s=open(p).read()
old="    A2aLlOptions options = A2aLlOptionsFor(kLoopbackSms);\n"
assert s.count(old)==1
s=s.replace(old, old+"    options.line_rows = 8;\n")
open(p,'w').write(s)
PY
mk lr8
sed -i "s/OneLineUnitAtATime(args.rows, s.dispatch_blocks \* kWarpsPerBlock)/OneLineUnitAtATime(args.rows, 2 * s.dispatch_blocks * kWarpsPerBlock)/" ep_backend/src/a2a_ll.cu
grep -q "2 \* s.dispatch_blocks" ep_backend/src/a2a_ll.cu
mk lr8w8
cp /tmp/sass/a2a_ll_work.cu ep_backend/src/a2a_ll.cu; cp /tmp/sass/bench_work.cc bench/dispatch_combine_bench.cc
cmake --build build-gpu --target dispatch_combine_bench > /dev/null
(cd build-gpu && find . \( -name '*.o' -o -name '*.a' \) -print0 | tar --null -cpf ../build-gpu.objects.tar -T - --remove-files)
rm -f build-gpu/bench/dispatch_combine_bench_w2 build-gpu/bench/dispatch_combine_bench_w4
git status --short; ls build-gpu/bench; du -sh build-gpu
