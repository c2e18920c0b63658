// a2a_ll: MoE dispatch and combine over NVLink on the NCCL 2.28 device API (DESIGN.md section 3).
// Each rank's kernels store rows straight into its peers' symmetric windows and publish
// epoch-tagged flags there; the real row count is read on the device, so padded rows never move,
// and no host-API collective runs per step, so ranks may replay different graphs (rule 1).
//
// Note [a2a_ll lifetime and teardown]
// Create is collective over the communicator (every rank, one thread per GPU, same options) and
// runs before any capture: the options' all-gather (Note [Same options everywhere]), then every
// check that can differ across GPUs and every allocation, agreed on across ranks before the
// window's collective steps (ep_backend/src/symmetric_window.h, Note [Symmetric window set-up and
// teardown]), so that a failure on one rank fails Create on every rank. The A2aLl must outlive
// every graph that captured its launches, and so must the Deadline whose view a launch was given.
// Teardown is explicit and collective, in this order: destroy the graphs; Destroy() on every rank
// (the window's teardown, same Note); then ncclCommFinalize / ncclCommDestroy of the communicator
// (NcclComm::Finalize). The destructor never starts a collective: an A2aLl never destroyed warns
// and leaks its window.
//
// Note [Dispatch]
// (The row path: a source with more than line_rows rows. Note [Lines for small counts] has the
// other.) Input: x [rows, hidden] bf16, topk_ids [rows, top_k] int32 global expert ids, and the
// real row count n in device memory (rows n.. are padding: never read, never sent). The kernel
// records n for the combine that follows (which so cannot disagree with it). A row's slot in its
// expert's block is the number of earlier tokens that picked the expert (a pure function of
// topk_ids: layouts are identical on every replay). Two ways to send, by the real count n:
//   Rows spread (n <= kA2aLlMaxSpreadRows, 128): every block computes the slot table of the n
//   tokens (Note [The slot table of lines] in a2a_ll.cu, four 32-bit words of tokens per expert),
//   each owner gets one line_counts word per expert it owns (relaxed: kA2aLlSpreadBit and the
//   expert's row count), and the (pair, quarter row) units go over every warp of the grid, a warp
//   of each block before the next warp of any, so every SM copies the same share whatever the
//   experts drew; chunk 0's warp records (token, k) beside the row. Each block then passes a
//   barrier and publishes one word at every rank (release: the barrier orders its warps' stores
//   before it). The receiver takes the counts from the words and waits for every block's word.
//   By (expert, part) (more rows): a warp owns expert e and a part, scans the n tokens' ids in
//   order, stores each matching row's part into the owner's recv_rows block
//   (le, me) with 16-byte stores (the self rank by the same path), records (token, k) beside it,
//   then publishes one flag word per (local expert, source, part) carrying the expert's row count:
//   per-expert completion. A part is a range of a row's 16-byte words (A2aLlLayout::PartWords(),
//   the last parts fewer); rows once per rank split the tokens instead (their receive copies each
//   part's rows between that part's word and the one before, Note [Rows once per rank]), the
//   part's word then carrying the running count. Parts give each expert several warps when the SM
//   budget has more warps than experts (dispatch_parts = clamp(warps / experts, 1, 8)).
// Why spread: an expert's rows are as many as its tokens drew, so a warp (and an SM) that owns
// experts gets an uneven share. With the benchmark's kernels on a routing that gives every expert
// the same rows (token t picks t + 32 k), 128 rows took 81.53 -> 74.30 us between 2 loopback ranks
// at 16 SMs and 98.45 -> 92.30 on 4, 64 rows 46.41 -> 40.14 (bench/results/2026-11-29-h200-stop27,
// call 7). Splitting by columns instead of tokens (the busiest of 512 warps at 128 rows on 32 SMs
// copies 5.3 rows' worth instead of 7.4) took 0.7-1.6 us off 16-128 rows on 2 ranks at 32 SMs and
// nothing at 16 (one part); pooling a block's rows among its warps lost 0.3-1.5 us (calls 4, 6).
// Spreading took, against the split by tokens (medians of three rounds, call 8): 81.57 -> 77.07 us
// at 128 rows on 2 ranks at 16 SMs, 54.60 -> 51.88 at 32 SMs, 98.50 -> 94.87 on 4 ranks; 1.1-4.0 us
// off 8-64 rows on the row path (26.07 -> 21.12 at 8 rows on 8 ranks); it costs 0-0.25 us at 1-4
// rows and at 8 rows on 32 SMs (lines there), where the lines-only instance grew (call 9: 8.98 ->
// 9.23 at 1 row on 4 ranks, others within 0.15). Rows once per rank spread as well (their first
// pairs found in the slot table, not by scans of ids): 62.99 / 89.59 / 113.94 -> 54.58 / 83.06 /
// 106.84 us at 64 / 96 / 128 rows on 2 ranks at 16 SMs, 81.25 / 118.65 / 145.07 -> 75.13 / 113.54 /
// 140.31 on 4, the other paths within 0.5 (bench/results/2026-11-29-h200-stop28, call 2). Over
// NVLink on 2 H200 (same folder, call 18, against stop 26's separate run): one copy per pair 58.9
// -> 58.3 us at 128 rows on 128 SMs, so there the wire, not the busiest SM, bounds the dispatch's
// copies; the default (rows once per rank, with the combine's partial sums of Note [Rows once per
// rank]) 42.0 -> 36.8. The same kernel then waits (bounded) for the words of this epoch addressed
// to it that each source's mode names (every (local expert, source, part) word of a source on the
// row path by parts, every block's word of one that spreads, the lines of one that sends lines),
// and writes recv_counts [local_experts][world] for the expert GEMMs. An idle rank (n = 0) sends
// lines: its line_counts words say 0. After a wait expired, recv_counts may count rows that did not
// all land (a source's count comes in its line_counts word when it spreads, in its last part's word
// on the row path); the Step fails then (rule 3) and only teardown follows.
//
// Note [Rows once per rank]
// A source on the row path with more real rows than rank_dedup_rows (options; by default 40 on 2
// ranks and 32 on more, kA2aLlRankDedupAutoRowsTwoRanks and kA2aLlRankDedupAutoRows, raised to
// line_rows and capped at the capacity; kA2aLlRankDedupOff: never) sends a token's row to a peer
// once, however many of that peer's experts the token picked, and takes back one partial sum per
// (token, peer) (DESIGN.md's rank-deduplicated variant). Each source decides per launch by its own
// count and says so in its line_counts words (kA2aLlSendsOnceBit), as for lines back, so one launch
// mixes sources that send lines, take lines back, send rows once or none of these. Pairs for this
// rank's own experts and the lines path are unchanged; such a source takes its results back as
// rows, never as lines.
//   Dispatch: slots stay as Note [Dispatch] gives them, and so do the two ways to send. A token's
//   first valid pair (in k order) on a peer sends the row; the warp of each later one stores no
//   row and records, beside its origin, the recv_rows index of that first pair (recv_copies): from
//   the slot table when the rows are spread, else found by a scan of ids as the first pair's own
//   warp counts its slot. The first pair's entry records the mask of the token's pairs on that
//   peer instead (-1 - mask). Every pair's weight goes beside it (recv_weights: the dispatch then
//   takes the weights too). After its waits the peer copies each recorded row from the first
//   pair's place, notes where it put it (members), and lists each source's first-pair rows: by
//   (local expert, source, part), a part being the part-th of the slots of a source that spread
//   its rows (copied once every block's word of that source is in: a first pair's row may come
//   from any block), else the part's slots between its word and the one before (copied once the
//   first pair's word for the part is in: a token is in the same part for every expert). So the
//   expert GEMMs see the same recv_rows.
//   Combine: for each listed row, the peer sums its own experts' outputs of that token by weight
//   (fp32 in k order, rounded to bf16) and stores the sum at the source's (token, first k); the
//   source sums its own pairs by weight and each such partial with weight 1, in k order. The
//   result is deterministic, but rounds once more than one copy per pair does.
// With top-8 of 256 experts picked uniformly, a token has on average 4.0 pairs on a given peer on
// 2 ranks, 2.0 on 4 and 1.0 on 8, and reaches it with probability 0.997, 0.904 and 0.662: the rows
// each leg moves to or from peers fall to 25%, 45% and 66%. The byte counters count the rows that
// cross; dispatch_copied_bytes counts the peer's local copies. What is left above the floor of
// those bytes is latency: the peer's copies and partial sums start only as their words land.
// Where it pays, measured on 4 H200 (hidden 7168, top-8 of 256; bench/results/
// 2026-11-28-h200x4-stop18, folder 1 at stop 17's kernels, every row-path source sending once),
// best of 32 / 64 / 128 SMs, one copy per pair against once per rank (us; at 24-32 rows the
// 128-SM budget sends lines either way):
//   rows per rank     24    32    48    64    96    128
//   2 GPUs, pairs    19.6  22.8  30.7  35.8  49.3  60.5
//   2 GPUs, once     20.1  23.1  28.3  31.1  36.7  42.6
//   4 GPUs, pairs    25.4  30.7  39.7  47.2  66.4  83.0
//   4 GPUs, once     26.0  29.7  34.9  38.1  49.2  58.1
// At 24-32 rows on 32 SMs, where that budget's line_rows (8 then) left them on the row path, it
// lost 1.2-4.8 us (25.3 -> 30.1 at 24 rows on 2 GPUs). On 2 GPUs it also lost at 40 rows on every
// budget (33.8 -> 38.9, 30.3 -> 33.3 and 28.1 -> 28.9 us at 32 / 64 / 128 SMs; folder 14) and at
// 48 rows on 32 SMs (37.6 -> 39.3), and won or tied from 64 rows; on 4 GPUs it won from 40 rows
// on every budget (42.1 -> 40.4, 38.2 -> 35.0, 35.8 -> 32.4). Hence the defaults then, 48 and 32; 8
// ranks are not measured (2 / 3 of the rows still cross there). Both paths have changed since:
// between loopback ranks on one H200 rows once per rank took 14-27 us less at 64-128 rows on 2
// ranks at stop 28 (spread rows, and the combine's partial sums in fewer units; bench/results/
// 2026-11-29-h200-stop28), one copy per pair 3-4.5 us less at stop 27; over NVLink on 2 H200 the
// default at 128 rows went 42.0 -> 36.8 us and one copy per pair 58.9 -> 58.3 (same folder, call
// 18). Measured again on 2 H200 at stop 29 (bench/results/2026-11-29-h200-stop29, calls 3 and 4,
// medians of three rounds, every row-path source sending once against one copy per pair): once per
// rank loses or ties at 16-40 rows (to 32 rows the 128-SM budget sends lines either way; at 40 rows
// 29.8 -> 30.2, 25.8 -> 27.2 and 24.6 -> 25.8 us at 32 / 64 / 128 SMs) and wins from 44 (32.6
// -> 29.6, 28.5 -> 27.3, 27.3 -> 25.7; at 48 rows 33.8 -> 30.1, 30.1 -> 27.7, 28.7 -> 26.1), hence
// 40 on 2 ranks since. On 4 ranks 32 stands (not lent since). The code of the per-launch choice
// costs the once path itself: at 128 rows this build takes 1.2-3.5 us more than stop 17's, which
// sent once from every row-path source (70.9 / 54.1 / 44.9 against 68.0 / 50.5 / 42.5 us on 2 GPUs,
// 0.4-2.1 more on 4; folders 5, 6, 9), for no difference in its loads, stores or loop structure
// (SASS); a build without the per-launch choice gets most of it back (folder 10). A one-line change
// to it (folder 13) moved the one-copy path by as much, so the dispatch kernel's time depends on
// how it is compiled; the cause is not established. It is not the order of the row copies' loads
// and stores (a2a_ll.cu Note [Loads ahead of stores], which explains another such case): the copies
// compile alike in those builds.
//
// Note [Combine]
// (The row path, for a source that sent rows; Note [Lines for small counts] has the other.) Input:
// expert outputs in the recv_rows layout (a separate buffer, or recv_rows itself) and the weights
// [rows, top_k] fp32; n is the dispatch's. Blocks are grouped by source rank (combine_group_blocks
// = max_sms / world per source); a group flattens the rows it holds for its source (count(le, src)
// over le) and stores each one into the source's combine_rows at (token, k), a row per warp, warp w
// of each of the group's blocks before warp w + 1 of any (a2a_ll.cu says why). Each block then
// publishes its own flag at the source (a fence and one release store, no counter shared between
// blocks): per-block completion. Every block waits (bounded) for every flag of this epoch addressed
// to its rank and the grid computes out[t] = sum_k w[t, k] * y[t, k] over the pairs that were sent,
// for t < n, in fp32 in k order (bit-reproducible), stored as bf16. Rows n.. of `out` are not
// written.
//
// Note [Invalid ids]
// A (token, k) whose id is outside [0, num_experts) or repeats an earlier k of the same token is
// not sent (the dispatch matches an expert at its first k only) and not summed: the dispatch
// writes a mask of the pairs that travel per token, the combine reads it, and
// A2aLlCounters::invalid_pairs counts the rest. A router that emits such ids gets a defined,
// counted result instead of a sum over stale rows.
//
// Note [Buffer reuse across layers]
// Invariant: no rank stores into a peer's buffer while that peer may still read what an earlier
// layer put there. For rows: a source that sent rows to a peer in a layer waits, in that layer's
// combine, for what the peer returns (every flag of every peer when it takes rows back; every line
// of its own pairs when it takes lines), and the peer returns only after its expert GEMM read
// recv_rows and its combine read recv_origins and recv_counts; launches on one stream are ordered.
// A source on the row path also writes its dispatch flags (or, spread, its blocks' words) at every
// peer, pairs or none, so when it
// takes lines back it also waits for every peer's first combine flag, which that peer writes only
// after its dispatch read them (Note [Lines back]; without that wait a source that sent a peer
// nothing could overwrite its flags, a layer ahead, before the peer read them).
// For rows sent once per rank the same waits cover recv_copies and recv_weights, which the peer
// reads in its dispatch and combine. The peer's own list of first-pair rows is local, ordered by
// the stream; its counts alternate by epoch (Note [Rows once per rank]).
// A source that sent a peer nothing in a layer may race one layer ahead of it, but the peer reads
// no row of that source in that layer (counts 0; a worst-case GEMM may read the block and gets
// values it never returns). For words and lines: line_counts, dispatch_lines and combine_lines
// alternate by epoch, and a rank's layer L + 2 dispatch needs every peer's layer L + 1 words,
// which a peer publishes only after it read everything of layer L. So one set of buffers serves
// every layer with no extra synchronization. Callers keep it by launching dispatch, expert
// compute and combine of each layer in order on one stream (or with events that order them) and
// by launching the same sequence of layers on every rank; a rank that skips a layer makes its
// peers' waits expire (Note [a2a_ll flag words]).
//
// Note [Lines for small counts]
// On the row path each leg ends in a system-scope fence before a flag, and one warp copies a
// whole row. A source whose real row count n is at most line_rows (options.line_rows, capped at
// capacity; an idle source always) sends its pairs as self-flagged lines instead (lines.cuh Note
// [Self-flagged lines]): no fence, no release, no flag to wait for, and each pair's lines spread
// over every warp of the grid.
//   Dispatch: every block computes the same slot table for the n tokens (slots in token order, as
//   the row path gives them), each peer gets one line_counts word per expert it owns (relaxed:
//   mode and count; the row path's sources publish theirs too, with the mode "rows"), and the
//   (pair, line) stores are spread over every warp of the grid, four lines per warp instruction.
//   The tag of a line carries epoch, layer and the pair's origin. A pair for this rank's own
//   experts is stored straight into recv_rows. The receiver reads every source's word first, waits
//   for the row path's flags of the sources that send rows, and unpacks the lines of the others
//   into recv_rows as they land, so the expert GEMMs see the one recv_rows layout.
//   Combine: the owner sends each row held for such a source back as lines into its
//   combine_lines at (token, k), over the whole grid, reading where each row is from a list the
//   dispatch wrote (Note [The combine's list of lines to send]); the source sums each line as it
//   lands, on warps taken from the grid's last (the sends take them from the first), in k order
//   as on the row path (so the result is the same, bit for bit, as one copy per pair on the row
//   path, whichever of the two line sums a launch takes, a2a_ll.cu Note [The line sum's width];
//   Note [Rows once per rank] rounds once more). Its own experts' outputs come back to it
//   the same way, as lines into its own combine_lines (Note [Own pairs as lines]). Each block still
//   writes its flag at the source, without a fence, so that a poisoned flag ends a wait for lines
//   at once.
// Costs: 128 bytes on the wire for every 120 of payload (6.7%); the receiver's copy out of
// dispatch_lines (local) and the source's copy of its own pairs; window space for 2 x line_rows
// rows per (local expert, source) and combine lines (Note [Lines back] sizes them). The byte
// counters count payload, as on the row path. What it gains (H200, hidden 7168, top-8 of 256;
// bench/results/2026-11-28-h200x2-lines and 2026-11-28-h200x4-lines-final): lines spread a pair
// over the whole grid, so they pay where the grid is large against the rows. With 64 or 128 SMs
// they take 9-22% off at 8 rows and 3-20% at 16; at 32 SMs they gain nothing at 8 rows and lose 16%
// at 16. At 1 row they save about 0.8 us of 15.7: the time there is chains of dependent loads and
// two kernel boundaries, not the fences. Hence the default line_rows then, a quarter of max_sms.
// The lines' path got faster since (stops 20-25); measured again over NVLink on 2 H200 at stop 29
// (bench/results/2026-11-29-h200-stop29, calls 7 and 8, one copy per pair, medians of three
// rounds), lines won at counts the quarter had left on the row path: 12 / 16 rows at 32 SMs 18.63
// -> 14.95 / 19.35 -> 17.36 us, 20 / 24 at 64 SMs 19.83 -> 16.75 / 20.78 -> 18.60, 36 / 40 at 128
// 22.98 -> 21.30 / 24.65 -> 23.54; at half the budget they won at 32 SMs (16 rows) but lost at 64
// and 128 (32 rows +0.6, 64 rows +0.4). Between loopback ranks at 16 SMs each, 8-12 rows as lines
// lost 0.9-5.9 us. Hence the default, kA2aLlLineRowsAuto (LineRowsFor): a quarter of max_sms, plus
// 8 from 32 SMs up (16 at 32 SMs, 24 at 64, 40 at 128; 4 at 16), at most 64. With rank_dedup_rows
// automatic as well it stops where that one starts rows once per rank (A2aLlThresholdsFor): 32 at
// 128 SMs on 4 ranks or more, where rows once per rank won at 40 rows at stop 18 and lines against
// them are not measured. The extra 8 rows on more than 2 ranks, and at 33-40 rows on 128 SMs with
// rank_dedup_rows off, carry the 2-rank measurement over unmeasured. Each line row costs window
// space, the lines of a row for each epoch's parity per (local expert, source): the 8 extra take 63
// MB more per rank at 256 experts and hidden 7168.
//
// Note [Dispatch instances]
// The dispatch kernel has three instances (A2aLlSends), and Dispatch picks one
// (A2aLlLayout::DispatchSends) from what the host knows at launch (or capture): the padded rows, a
// bound on the real count. Each leaves out what its launches cannot send; all three receive every
// mode, since a peer's mode is known only on the device. When they came in (stop 20) each had,
// for its launches, the machine code the single kernel had (compared in SASS); the spread rows
// (Note [Dispatch]) made the instance for launches above rank_dedup_rows 0.8-0.9 us slower at
// 64-128 rows between loopback ranks while its launches did not spread (stop 27); they spread since
// stop 28 (Note [Rows once per rank]).
//   Lines, one unit at a time: a launch of at most line_rows rows sends lines only, so the row
//   path's sends are dead code there. When its line units (A2aLlLayout::LineUnits: (pair, four
//   lines) per warp instruction) are also at most kA2aLlOneUnitMaxPerWarp per warp of the grid
//   (A2aLlLayout::OneLineUnitAtATime), it runs an instance without them that also loads and stores
//   one unit per warp at a time instead of kLineUnroll. With the default line_rows (Note [Lines
//   for small counts]), hidden 7168 and top-8, a launch of at most line_rows rows has at most 7.5
//   units per warp (16 rows at 32 SMs), so each one runs it.
//   Never once: any other launch of at most rank_dedup_rows rows runs an instance without the sends
//   of rows once per rank (Note [Rows once per rank]); so does every launch with rank_dedup_rows
//   off, one copy per pair.
// Measured between loopback ranks on one H200 (16 SMs, 256 warps; medians of five rounds,
// bench/results/2026-11-29-h200-stop20), one copy per pair: 11.85 -> 10.97 us at 1 row on 2 ranks
// and 12.90 -> 11.72 on 4, 0.5-1.0 us less at 2-4 rows; with line_rows raised to 16, 0.6-1.3 us
// less at 6-16 rows (up to 15 units per warp, the most measured, hence the bound of 16). The same
// lines-only instance with four units in flight per warp was slower than one at a time at every
// count (11.50 against 10.96 us at 1 row, 36.17 against 35.61 at 16), so the gain is both the
// smaller kernel and the shorter loop. The instance that never sends once: 0.5-1.5 us less at
// 8-128 rows (85.97 -> 84.57 us at 128 rows on 2 ranks, 104.87 -> 103.45 on 4), its row copies
// still issuing all eight loads before their stores. A combine instance for the small launches,
// without the sum of rows back, gained nothing (11.04 against 10.99 us at 1 row), so the combine
// has one. Over NVLink these instances were not measured against the single kernel (stops 26 and
// 28 ran them only as part of the kernels of their day).
//
// Note [The combine's list of lines to send]
// The dispatch that unpacks a source's lines knows each row's place in recv_rows, its origin and
// its source. It writes them as one 16-byte entry per row held for another rank that takes lines,
// tagged with its own launch counter, into a list local to this rank, in the order the rows are
// numbered while unpacked (local expert, then source, then slot), and the list's row count beside
// it. When this rank takes lines itself, the list starts with one entry per pair of its own for its
// own experts (Note [Own pairs as lines]), written with the slot table and numbered a warp at a
// time by a counter in shared memory; the scan of the counts gives every block their total
// (a2a_ll.cu Note [The list's two counts]). The own pairs' order follows the warps and may differ
// between launches; what lands where does not. The combine loads the count, the dispatch's counter
// and its first entries together, and sends the rows below the count whose tag is that counter. The
// count, not the tag, ends the list: rows past it hold older entries or the zeros the list starts
// with, and a 32-bit counter that wraps must never take one of those for this launch's. The tag
// catches rows the dispatch left unwritten because a wait failed, and the combine then sends
// nothing anyway: its deadline has expired. Before the list, the combine loaded the counts, scanned
// them, searched each row's segment and then loaded its origin: three dependent steps before the
// first line went out, now one. The list holds world x line_rows x min(top_k, local experts)
// entries, the most that this rank's own pairs and other ranks' lines can bring (each token's pairs
// name distinct experts). Every entry is a row to send. The list used to start with an entry per
// (token, k) of this rank's, one without a row (-1) for each pair another rank returns, whose units
// the combine's warps walked to skip: at 8 rows on 2 ranks (32 SMs, 512 warps) 96 rows' units took
// two rounds of kLineUnroll per warp where the 64 rows to send take one. Between loopback ranks on
// one H200, medians of five rounds (bench/results/2026-11-29-h200-stop25): 12.80 -> 12.55 us at 8
// rows on 2 ranks at 32 SMs, 13.85 -> 13.35 at 4 rows on 4 ranks at 16 (56 rows, 6.6 units a warp,
// became 32); 2 rows 0.09-0.18 slower (9.06 -> 9.20, 8.58 -> 8.76, 10.63 -> 10.72 on 2 ranks at 16
// and 32 SMs and 4 at 16), 1 and 4 rows elsewhere within +0.14, 0 and 16-128 rows within 0.1 (4
// ranks at 128 rows +0.25, spread 0.98).
//
// Note [Own pairs as lines]
// A source that takes lines gets its own experts' outputs as lines too: its combine copies each of
// its own pairs from expert_out into its own combine_lines at (token, k), tagged like a peer's,
// with the other ranks' rows, from the list. So every line of a token has a place known without a
// load, and the line sum loads each round's lines together with their weights and the mask of the
// pairs sent, which only says which lines to await: one round trip per round. Before, the sum
// loaded each round's routes (which pairs were remote, and where the local ones were), then
// awaited the remote lines while loading the local rows: two dependent round trips per round, four
// at top-8. The copy costs a local load and store of each own pair's row (the byte counters count
// it as combine bytes to itself), off the path the peers' lines take. On 2 H200 at 1 row: 13.5 ->
// 12.0 us (bench/results/2026-11-28-h200x2-stop12).
//
// Note [Lines back]
// A source with more real rows than line_rows but at most return_line_rows (options; by default
// max_sms; capped at kA2aLlMaxReturnLineRows, at the capacity and at rank_dedup_rows, above which a
// source sends rows once per rank and takes rows back: Note [Rows once per rank]) sends rows (Note
// [Dispatch]) and takes its expert outputs back as lines: its line_counts words say so
// (kA2aLlLinesBackBit), and each owner's combine stores every row it holds for that source, its own
// included, as lines into the source's combine_lines at (token, k), one row per warp as the row
// path walks them. The source sums them with the line sum of Note [Lines for small counts], then
// waits for every peer's first combine flag, for the dispatch flags it wrote (Note [Buffer reuse
// across layers]; that wait came after the figures below). Against rows back, it saves the
// combine's system-scope fence before each block's flag and the wait for the last flag before the
// sum, which then overlaps the transfer. It costs 6.7% more bytes on the wire and window space for
// 2 x return_line_rows x top_k line rows. Measured on 4 H200 (hidden 7168, top-8 of 256;
// bench/results/2026-11-28-h200x4-stop16), against rows back: with the rows back, the sum took
// 4.3-4.7 us at 128 rows on 128 SMs and the fence 1.9-2.8 us (run without them); with lines back,
// 62.5 -> 59.3 us there on 2 GPUs and 83.3 -> 82.6 on 4; 16-32 rows on 32 SMs 1.3-2.1 us less (22.6
// -> 21.3 and 25.1 -> 23.0 at 16 rows), 32 rows on 64 SMs 1.7 less. The line sum takes (token,
// eight lines) units over the grid's warps; with many more rows than SMs each warp waits for its
// lines round trip after round trip: 128 rows on 32 SMs took 71.2 -> 77.0 and 98.4 -> 104.3 us,
// hence the default of max_sms. Since lines back came in, 1-8 rows (lines both ways) take up to 0.3
// us longer at 64 SMs (10.69 -> 10.93 at 1 row on 4 GPUs) and at most 0.2 us longer elsewhere; with
// the new loop compiled out, with the section as small as before, or with four lines a round in the
// line sum, just as long: the cause is not established.
//
// Note [Passing an expiry on]
// Once this rank's deadline expired (any wait on the device, or a poison word from a peer), its
// kernels send no rows and write kA2aLlPoisonWord in place of every flag: a peer that was only
// slow then fails its next wait for this rank at once (recording kPeerExpired and this rank)
// instead of pairing stale rows with a live epoch, and passes the expiry on in turn. Every rank's
// next Synchronize returns DeadlineExceeded within about one budget of the first expiry.
//
// Note [Epochs without host state]
// Each block of each kernel keeps its own launch counter in device memory, read and advanced by
// the block itself at the start of every launch (the next launch on the stream sees it). Grid
// sizes are fixed at Create, so all blocks of a kernel agree, and every rank launches the same
// sequence, so ranks agree: epoch = this launch's ordinal, from 1. Nothing is set by the host
// between replays and nothing is cleared. A rank that launches once more or once less than its
// peers (a warm-up retried on one rank) cannot go on silently out of step: the unmatched launch,
// or the peers' next one, waits for an epoch nobody publishes and expires, and after an expiry
// only teardown is allowed (rule 3). So the counters are never brought back in step; a new A2aLl
// starts them at 1 again on every rank.
//
// Note [SM budget]
// Both kernels run on at most `max_sms` blocks of kThreadsPerBlock threads (rule 6), one block per
// SM. Blocks wait for flags that other blocks publish (this rank's own, for rows it sends itself,
// and peers'), so a grid only partly resident could wait forever on blocks that never start (an SM
// held by another stream's kernel or by MPS). Both kernels are therefore launched cooperatively:
// the whole grid starts at once or the launch waits until it can. Create rejects a budget above
// the SM count. Combine uses the largest multiple of world not above max_sms. They are also
// launched with programmatic stream serialization: a kernel may be scheduled while the kernel
// ahead of it on the stream (the engine's router, an expert GEMM) finishes, and waits for that
// kernel's completion before it reads or writes anything, which hides its launch.
// Choosing the budget: on 2 H200 over NVLink with stop 16's kernels
// (bench/results/2026-11-28-h200x4-stop16, one copy per pair) 1 row took 10.52 / 10.69 / 10.75 us
// at 32 / 64 / 128 SMs, 8 rows 16.53 / 14.18 / 12.70 and 128 rows 70.77 / 66.50 / 59.32 (4 H200
// alike): the budget barely matters at 1 row and pays at 8 rows and more. The lines' sends wait
// mostly on their SM's stores: a probe kernel drained 128-byte line stores at up to about 30 bytes
// per cycle per SM with 32 SMs storing, and each store took about 1,000 cycles to be performed
// (bench/results/2026-11-29-h200-stop25, store_drain_probe.cu), so at 8 rows a 32-SM budget stores
// about 30 KB per SM per leg. The default of 32 leaves the most SMs to other streams; a deployment
// whose decode steps carry 8 or more rows per rank gains from 64 or 128.
//
// Note [Same options everywhere]
// Offsets in the window depend on the options (max_sms sets dispatch_parts, dispatch_blocks, the
// number of blocks' words a receiver waits for from a source that spreads, and
// combine_group_blocks), so Create all-gathers every rank's options once (a host-API collective,
// before any capture and before any check of them) and fails on every rank, naming the field and
// two differing values, when they differ.
//
// Note [Jitter]
// A test switch (options.jitter_max_ns > 0) puts a pseudo-random __nanosleep of up to that many
// nanoseconds before every row store, flag publication and poll, and before each block stores its
// launch counter (which a later launch reads: a2a_ll's before its wait, device_exchange.cuh
// OwnLaunchCounter), reordering warps across ranks and launches; a result that changes under it
// has a race. Off by default (one predictable branch). Thread 0's sleep before the counter also
// leaves warp 0 of each block split, which every line loop must bring back together: it found the
// loops that did not (lines.cuh Note [Converged lines]).
#pragma once

#include <cuda_runtime_api.h>
#include <nccl.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "padgraph/ep_backend/a2a_ll_layout.h"
#include "padgraph/graph_runtime/deadline.h"

namespace padgraph {

struct A2aLlOptions {
  int num_experts = 0;
  int top_k = 0;
  int hidden = 0;
  int capacity = 0;                    // rows per rank
  int max_sms = 32;                    // blocks per kernel (Note [SM budget])
  int line_rows = kA2aLlLineRowsAuto;  // Note [Lines for small counts]; [0, 64] or auto
  int return_line_rows = kA2aLlReturnLineRowsAuto;  // Note [Lines back]; [0, 128] or auto
  // Note [Rows once per rank]: a source with more rows sends each row once per peer (the dispatch
  // then needs the weights); [0, capacity], kA2aLlRankDedupRowsAuto or kA2aLlRankDedupOff.
  int rank_dedup_rows = kA2aLlRankDedupRowsAuto;
  uint32_t jitter_max_ns = 0;  // Note [Jitter]; tests only
};

// Device counters since Create: bytes each kernel stored to other ranks and to itself (rows
// only; flags and origins are not counted), and this rank's dispatches by the path its pairs took
// both ways.
struct A2aLlCounters {
  uint64_t dispatch_peer_bytes = 0;
  uint64_t dispatch_self_bytes = 0;
  uint64_t combine_peer_bytes = 0;
  uint64_t combine_self_bytes = 0;
  uint64_t invalid_pairs =
      0;  // (token, k) ids out of range or repeated, not sent (Note [Invalid ids])
  uint64_t dispatch_copied_bytes = 0;  // rows copied here from a row sent once per rank
  uint64_t lines_dispatches = 0;       // lines out, lines back (Note [Lines for small counts])
  uint64_t lines_back_dispatches = 0;  // rows out, lines back (Note [Lines back])
  uint64_t rows_dispatches = 0;        // rows out, rows back
  uint64_t rows_once_dispatches = 0;   // rows out once per rank (Note [Rows once per rank])
  uint64_t spread_dispatches = 0;      // of the row path's others, rows spread (Note [Dispatch])
};

// Launch arguments: raw device pointers; capture-safe; nothing is kept between launches.
struct A2aLlDispatchArgs {
  const void* x = nullptr;            // bf16 [rows, hidden]
  const int32_t* topk_ids = nullptr;  // [rows, top_k], global expert ids
  const int32_t* num_rows = nullptr;  // device int: the real rows n (clamped to [0, rows])
  const float* weights = nullptr;     // [rows, top_k]: when rows > rank_dedup_rows, else unread
  int rows = 0;                       // rows of x and topk_ids, at most capacity
  int layer = 0;                      // for flag tags and deadline records, [0, kA2aLlMaxLayer]
  DeadlineView deadline;              // bounds every wait (rule 3); a created Deadline's view
};

struct A2aLlCombineArgs {
  const void* expert_out = nullptr;  // bf16, recv_rows layout [local][world][capacity][hidden]
  // [rows, top_k]; the dispatch's when it took them: peers weight the pairs of rows sent once per
  // rank by those (Note [Rows once per rank]), this rank its own by these.
  const float* weights = nullptr;
  int rows = 0;  // rows of weights and out (the dispatch's count is used)
  int layer = 0;
  void* out = nullptr;    // bf16 [rows, hidden]; rows n.. untouched
  DeadlineView deadline;  // as for dispatch
};

// Benchmark aid: one leg of the lines' floor (a2a_ll.cu Note [The lines' floor]), the rows each
// rank sends and receives given by the host. Each leg 1 must return its leg 0's rows (rows_to of
// leg 1 = rows_from of leg 0), or the ranks must meet between legs: the floor has no other order.
struct A2aLlLinesFloorArgs {
  const void* x = nullptr;  // bf16 [x_rows, hidden]: a peer's row r is row r % x_rows
  int x_rows = 0;           // [1, capacity]
  // Rows to and from each rank, each in [0, local_experts x line_rows]; 0 for this rank.
  int rows_to[kA2aLlMaxWorld] = {};
  int rows_from[kA2aLlMaxWorld] = {};
  int leg = 0;  // 0 on the dispatch's grid, 1 on the combine's: launched alternately, 0 first
  int layer = 0;
  DeadlineView deadline;
};

class A2aLl {
 public:
  static constexpr int kThreadsPerBlock = 512;

  // Collective (Note [a2a_ll lifetime and teardown]). `comm` must outlive the A2aLl. Every rank
  // must be in one NVLink (LSA) domain. The deadline comes with each launch, so an engine can
  // create the transport before the runner whose Deadline bounds its waits.
  static absl::StatusOr<A2aLl> Create(ncclComm_t comm, const A2aLlOptions& options);

  // For tests and benchmarks on one GPU: `world` ranks on the current GPU, no NCCL (Note [Loopback
  // ranks] in ep_backend/src/symmetric_window.h). Each rank's launches must go to its own stream,
  // and world is at most CUDA_DEVICE_MAX_CONNECTIONS (8 when unset), one hardware queue a rank;
  // max_sms is at most the GPU's SMs / (2 x world); any other kernel on those streams must be
  // loaded first (cudaFuncGetAttributes; the tests' in a2a_ll_testing.h LoadTestKernels). Destroy
  // every rank.
  static absl::StatusOr<std::vector<A2aLl>> CreateLoopback(int world, const A2aLlOptions& options);

  A2aLl();
  A2aLl(A2aLl&&) noexcept;
  A2aLl& operator=(A2aLl&&) noexcept;
  A2aLl(const A2aLl&) = delete;
  A2aLl& operator=(const A2aLl&) = delete;
  ~A2aLl();

  // Collective; after every graph that captured a launch is destroyed.
  absl::Status Destroy();

  // Note [Dispatch] / Note [Combine]. Capture-safe; allocate nothing; the only host work is
  // argument checks and the launch.
  absl::Status Dispatch(const A2aLlDispatchArgs& args, cudaStream_t stream) const;
  absl::Status Combine(const A2aLlCombineArgs& args, cudaStream_t stream) const;

  // Benchmark aid: every block stores `bytes_per_peer` bytes from `source` (device memory) into
  // one peer's recv_rows through the window, all peers but self at once, on `blocks` blocks. Its
  // time gives the SM-store egress bandwidth of the byte floor.
  absl::Status LaunchEgressProbe(const void* source, size_t bytes_per_peer, int blocks,
                                 cudaStream_t stream) const;
  // Benchmark aid: one leg of the lines' floor, into recv_rows. The instance must launch nothing
  // else: its lines share dispatch_lines with Dispatch's, by other tags.
  absl::Status LaunchLinesFloor(const A2aLlLinesFloorArgs& args, cudaStream_t stream) const;

  const A2aLlLayout& layout() const;
  int rank() const;
  int world() const;
  int dispatch_blocks() const;
  int combine_blocks() const;
  // This rank's receive region (recv_rows layout) and its per-(local expert, source) counts
  // [local_experts][world] of the last dispatch; device pointers, stable for the A2aLl's life.
  void* recv_rows() const;
  const int32_t* recv_counts() const;
  const int32_t* recv_origins() const;
  absl::StatusOr<A2aLlCounters> ReadCounters() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace padgraph
