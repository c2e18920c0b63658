# Appends JitterDiag to tests/ep_backend/a2a_ll_test.cc: eager layers under the stress jitter with
# fresh teams, then every stage's memory checked against the host inputs.
p='tests/ep_backend/a2a_ll_test.cc'
s=open(p).read()
anchor='''// Rank 1 skips layer 1.'''
assert s.count(anchor)==1
test=r'''
TEST_P(A2aLlTest, JitterDiag) {
  const int world = GetParam().world;
  const Shape shape;
  const char* rounds_env = std::getenv("PADGRAPH_DIAG_ROUNDS");
  const char* layers_env = std::getenv("PADGRAPH_DIAG_LAYERS");
  const int rounds = rounds_env ? std::atoi(rounds_env) : 10;
  const int layers = layers_env ? std::atoi(layers_env) : 1;
  std::vector<LaunchInputs> launches;
  launches.push_back(MakeInputs(shape, world, 99, true, {{0, shape.capacity}}));
  launches.push_back(MakeInputs(shape, world, 100, true, {{0, 5}, {world - 1, 0}}));
  std::atomic<int> bad_rounds = 0;
  for (int round = 0; round < rounds; ++round) {
    std::atomic<int> bad = 0;
    OnTeam(GetParam(), shape, 3000, absl::Seconds(2), [&](Rank& r) -> absl::Status {
      const int rank = r.rank;
      PADGRAPH_ASSIGN_OR_RETURN(DeviceInputs in, DeviceInputs::Upload(shape, launches, rank));
      r.AllRanksReady();
      for (int layer = 0; layer < layers; ++layer)
        PADGRAPH_RETURN_IF_ERROR(r.Layer(in, layer, shape.capacity, layer, false));
      PADGRAPH_CUDA_RETURN_IF_ERROR(cudaStreamSynchronize(r.stream.get()));
      const absl::Status deadline = r.deadline.Check();
      std::string log;
      if (!deadline.ok()) log += fmt::format("  DEADLINE {}\n", deadline.ToString());
      const int L = layers - 1;
      const LaunchInputs& li = launches[L];
      const A2aLlLayout& lay = r.a2a.layout();
      const int hidden = shape.hidden, local = shape.experts / world;
      const size_t rows_total = lay.recv_row_count();
      std::vector<uint16_t> recv(rows_total * hidden), eout(rows_total * hidden);
      std::vector<int32_t> origins(rows_total), counts(local * world);
      PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemcpy(recv.data(), r.a2a.recv_rows(), recv.size() * 2, cudaMemcpyDeviceToHost));
      PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemcpy(eout.data(), r.expert_out.data(), eout.size() * 2, cudaMemcpyDeviceToHost));
      PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemcpy(origins.data(), r.a2a.recv_origins(), origins.size() * 4, cudaMemcpyDeviceToHost));
      PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemcpy(counts.data(), r.a2a.recv_counts(), counts.size() * 4, cudaMemcpyDeviceToHost));
      const auto part_of = [](int col) { return fmt::format("{}:{}", 2 * col / 120, (2 * col % 120) / 16); };
      // Dispatch: every held row against its source token's x; the experts against recv_rows.
      for (int le = 0; le < local; ++le) {
        const int expert = rank * local + le;
        for (int src = 0; src < world; ++src) {
          std::vector<int> tokens;
          for (int t = 0; t < li.counts[src]; ++t)
            for (int k = 0; k < shape.top_k; ++k)
              if (ValidPair(shape, li.ids[src], t, k) && li.ids[src][t * shape.top_k + k] == expert) tokens.push_back(t * 100 + k);
          const int got_count = counts[le * world + src];
          if (got_count != static_cast<int>(tokens.size()))
            log += fmt::format("  COUNT le {} src {}: got {} want {}\n", le, src, got_count, tokens.size());
          for (size_t slot = 0; slot < tokens.size(); ++slot) {
            const size_t row = lay.RecvRowIndex(le, src, static_cast<int>(slot));
            const int t = tokens[slot] / 100, k = tokens[slot] % 100;
            if (origins[row] != PackOrigin(t, k))
              log += fmt::format("  ORIGIN le {} src {} slot {}: got {:#x} want t{} k{}\n", le, src, slot, origins[row], t, k);
            std::string wrong, wrong_e;
            int n_wrong = 0, n_wrong_e = 0;
            for (int h = 0; h < hidden; ++h) {
              const uint16_t want = li.x[src][static_cast<size_t>(t) * hidden + h];
              const uint16_t got = recv[row * hidden + h];
              if (got != want && n_wrong++ < 12) wrong += " " + part_of(h);
              const uint16_t e = eout[row * hidden + h];
              if (e != TestExpertHost(expert, got) && n_wrong_e++ < 12) wrong_e += " " + part_of(h);
            }
            if (n_wrong) log += fmt::format("  RECV le {} src {} slot {} (t{} k{}): {} cols wrong, line:part{}\n", le, src, slot, t, k, n_wrong, wrong);
            if (n_wrong_e) log += fmt::format("  EXPERT le {} src {} slot {}: {} cols wrong{}\n", le, src, slot, n_wrong_e, wrong_e);
          }
        }
      }
      // Combine: the output against the reference; for each wrong row, each pair's memory.
      std::vector<uint16_t> out(static_cast<size_t>(shape.capacity) * hidden);
      PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemcpy(out.data(), in.out.data<uint16_t>() + L * in.x_stride, out.size() * 2, cudaMemcpyDeviceToHost));
      const std::vector<double> expected = Reference(shape, li, rank);
      const bool lines = li.counts[rank] <= shape.line_rows;
      const char* base = static_cast<const char*>(r.a2a.recv_rows()) - lay.recv_rows_offset;
      int detailed = 0;
      for (int t = 0; t < li.counts[rank]; ++t) {
        std::string wrong;
        int n_wrong = 0, first_col = -1;
        for (int h = 0; h < hidden; ++h) {
          const double want = expected[static_cast<size_t>(t) * hidden + h];
          const double got = Bf16BitsToFloat(out[static_cast<size_t>(t) * hidden + h]);
          if (!(std::abs(got - want) <= 1e-2 * std::abs(want) + 2e-2)) {
            if (first_col < 0) first_col = h;
            if (n_wrong++ < 12) wrong += " " + part_of(h);
          }
        }
        if (!n_wrong) continue;
        log += fmt::format("  OUT row {} ({}): {} cols wrong, line:part{}\n", t, lines ? "lines" : "rows", n_wrong, wrong);
        if (detailed++ >= 2) continue;
        const int h = first_col;
        log += fmt::format("    col {}: got {} want {}\n", h, Bf16BitsToFloat(out[static_cast<size_t>(t) * hidden + h]), expected[static_cast<size_t>(t) * hidden + h]);
        for (int k = 0; k < shape.top_k; ++k) {
          const int e = li.ids[rank][t * shape.top_k + k];
          const float y = Bf16BitsToFloat(TestExpertHost(e, li.x[rank][static_cast<size_t>(t) * hidden + h]));
          uint16_t mem = 0;
          uint64_t tag = 0;
          if (lines) {
            const int line = 2 * h / 120;
            const size_t at = lay.CombineLine((L + 1) & 1, t, k, line);
            PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemcpy(&mem, base + at + 2 * h % 120, 2, cudaMemcpyDeviceToHost));
            PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemcpy(&tag, base + at + 120, 8, cudaMemcpyDeviceToHost));
          } else {
            PADGRAPH_CUDA_RETURN_IF_ERROR(cudaMemcpy(&mem, base + lay.CombineRow(t, k) + 2 * h, 2, cudaMemcpyDeviceToHost));
          }
          log += fmt::format("    k {} expert {} owner {} w {:.4f}: y {:.4f} memory {:.4f} tag {:#x} (want {:#x})\n", k, e, e / local,
                             li.weights[rank][t * shape.top_k + k], y, Bf16BitsToFloat(mem), tag, FlagWord(L + 1, L, 0));
        }
      }
      if (!log.empty()) {
        bad += 1;
        std::fprintf(stderr, "DIAG round %d rank %d (rows %d):\n%s", round, rank, li.counts[rank], log.c_str());
      }
      return absl::OkStatus();
    });
    if (bad > 0) bad_rounds += 1;
  }
  std::fprintf(stderr, "DIAG %s: %d of %d rounds bad\n", TeamName(GetParam()).c_str(), bad_rounds.load(), rounds);
  EXPECT_EQ(bad_rounds.load(), 0);
}

'''
s=s.replace(anchor, test+anchor)
if '#include <cstdlib>' not in s:
    s=s.replace('#include <cmath>\n','#include <cmath>\n#include <cstdlib>\n')
open(p,'w').write(s)
