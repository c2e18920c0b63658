# Stop 36: builds build-gpu/tests/a2a_ll_test_selsum and bench/dispatch_combine_bench_selsum with
# selsum.py applied to a2a_ll.cu; restores.
set -e
cd /work/main
f=ep_backend/src/a2a_ll.cu
cp $f /tmp/a2a_ll.cu.work
trap 'cp /tmp/a2a_ll.cu.work $f' EXIT
tar -xpf build-gpu.objects.tar -C build-gpu
python3 tools/tmpdiag/selsum.py $f
cmake --build build-gpu --target a2a_ll_test dispatch_combine_bench > /dev/null
cp build-gpu/tests/a2a_ll_test build-gpu/tests/a2a_ll_test_selsum
cp build-gpu/bench/dispatch_combine_bench build-gpu/bench/dispatch_combine_bench_selsum
cp /tmp/a2a_ll.cu.work $f
trap - EXIT
cmake --build build-gpu > /dev/null
(cd build-gpu && find . \( -name '*.o' -o -name '*.a' \) -print0 | tar --null -cpf ../build-gpu.objects.tar -T - --remove-files)
