# Stop 20: folder 9's binaries: head = f74f80a; crb = head with crb.py's combine instance.
set -e
cd /work/main
tar -xpf build-gpu.objects.tar -C build-gpu
cp ep_backend/src/a2a_ll.cu /tmp/sass/a2a_ll_work.cu
mk() { cmake --build build-gpu --target dispatch_combine_bench > /dev/null; cp build-gpu/bench/dispatch_combine_bench build-gpu/bench/dispatch_combine_bench_$1; }
python3 /tmp/crb_variant.py ep_backend/src/a2a_ll.cu
mk crb
cp /tmp/sass/a2a_ll_work.cu ep_backend/src/a2a_ll.cu
cmake --build build-gpu --target dispatch_combine_bench > /dev/null
(cd build-gpu && find . \( -name '*.o' -o -name '*.a' \) -print0 | tar --null -cpf ../build-gpu.objects.tar -T - --remove-files)
rm -f build-gpu/bench/dispatch_combine_bench_no1
git status --short; ls build-gpu/bench; du -sh build-gpu; cat build-gpu/COMMIT
