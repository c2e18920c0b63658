# Stop 20: folder 5's binaries: lr16 = loopback line_rows 16, bound four units a warp; lr16w16 =
# bound sixteen; lr16lo4 = bound sixteen and the small instance's loop back at kLineUnroll (4).
set -e
cd /work/main
tar -xpf build-gpu.objects.tar -C build-gpu
cp ep_backend/src/a2a_ll.cu /tmp/sass/a2a_ll_work.cu; cp bench/dispatch_combine_bench.cc /tmp/sass/bench_work.cc
mk() { cmake --build build-gpu --target dispatch_combine_bench > /dev/null; cp build-gpu/bench/dispatch_combine_bench build-gpu/bench/dispatch_combine_bench_$1; }
python3 - <<'PY'
p='bench/dispatch_combine_bench.cc'
s=open(p).read()
old="    A2aLlOptions options = A2aLlOptionsFor(kLoopbackSms);\n"
assert s.count(old)==1
s=s.replace(old, old+"    options.line_rows = 16;\n")
open(p,'w').write(s)
PY
mk lr16
sed -i "s/OneLineUnitAtATime(args.rows, s.dispatch_blocks \* kWarpsPerBlock)/OneLineUnitAtATime(args.rows, 4 * s.dispatch_blocks * kWarpsPerBlock)/" ep_backend/src/a2a_ll.cu
grep -q "4 \* s.dispatch_blocks" ep_backend/src/a2a_ll.cu
mk lr16w16
sed -i "s/constexpr int kUnroll = kOneUnit ? 1 : kLineUnroll;/constexpr int kUnroll = kLineUnroll;/" ep_backend/src/a2a_ll.cu
grep -q "constexpr int kUnroll = kLineUnroll;" ep_backend/src/a2a_ll.cu
mk lr16lo4
cp /tmp/sass/a2a_ll_work.cu ep_backend/src/a2a_ll.cu; cp /tmp/sass/bench_work.cc bench/dispatch_combine_bench.cc
cmake --build build-gpu --target dispatch_combine_bench > /dev/null
(cd build-gpu && find . \( -name '*.o' -o -name '*.a' \) -print0 | tar --null -cpf ../build-gpu.objects.tar -T - --remove-files)
rm -f build-gpu/bench/dispatch_combine_bench_lr8 build-gpu/bench/dispatch_combine_bench_lr8w8
git status --short; ls build-gpu/bench; du -sh build-gpu
