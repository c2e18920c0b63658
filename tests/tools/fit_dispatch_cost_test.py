#!/usr/bin/env python3
"""Tests of tools/fit-dispatch-cost.py: it recovers a known cost from exact points, fits the
per-peer term only where two worlds are given, takes one variant of an A/B tarball and no
aggregate entries, refuses points that fit nothing or only with a negative term, and gives the
cost model's defaults (padding_policy/src/cost_model.cc) from the measurement they cite."""
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOL = os.path.join(ROOT, "tools/fit-dispatch-cost.py")
MEASURED = os.path.join(ROOT, "bench/results/2026-11-29-h200-stop36/03-nvlink-cost-points/ab.tgz")
COST_MODEL_CC = os.path.join(ROOT, "padding_policy/src/cost_model.cc")
HIDDEN, TOP_K = 7168, 8


def wire(world, rows):
    return 2 * rows * TOP_K * (world - 1) / world * HIDDEN * 2


def case(backend, world, rows, sms, us):
    name = f"dispatch_combine/world:{world}/{backend}/rows:{rows}/sms:{sms}/iterations:15/manual_time"
    return {"name": name, "median_us": us}


def run_on(path, *extra):
    """The tool on the file at `path`, which it then deletes."""
    try:
        return subprocess.run([sys.executable, TOOL, path, *extra], capture_output=True, text=True)
    finally:
        os.unlink(path)


def run(benchmarks, *extra):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump({"benchmarks": benchmarks}, f)
    return run_on(f.name, *extra)


def run_tarball(members, *extra):
    """The tool on a tarball of {file name: benchmarks} in folder ab/, as tools/ab-bench.sh's."""
    with tempfile.NamedTemporaryFile(suffix=".tgz", delete=False) as f:
        with tarfile.open(fileobj=f, mode="w:gz") as tar:
            for name, benchmarks in members.items():
                data = json.dumps({"benchmarks": benchmarks}).encode()
                info = tarfile.TarInfo(f"ab/{name}")
                info.size = len(data)
                tar.addfile(info, io.BytesIO(data))
    return run_on(f.name, *extra)


def last_json(done):
    return json.loads(done.stdout.strip().splitlines()[-1])


class FitDispatchCostTest(unittest.TestCase):
    def test_recovers_an_exact_cost_with_its_per_peer_term_from_two_worlds(self):
        # 6 us + 0.5 per peer + 250 GB/s one copy (2 ranks: rows <= 40; 4: <= 32), 15 + 2 per
        # peer + 700 GB/s once; a slower SM budget beside each point must be ignored.
        points = []
        for world in (2, 4):
            for rows in (1, 8, 16, 32, 48, 64, 128):
                threshold = 40 if world == 2 else 32
                once = rows > threshold
                us = (15 + 2 * (world - 2) + wire(world, rows) / 700e3 if once
                      else 6 + 0.5 * (world - 2) + wire(world, rows) / 250e3)
                backend = "a2a_ll_dedup" if once else "a2a_ll"
                points += [case(backend, world, rows, 128, us),
                           case(backend, world, rows, 32, us + 3)]
        done = run(points)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(last_json(done), {
            "lsa_dispatch": {"latency_us": 6.0, "per_peer_us": 0.5, "gbps": 250},
            "lsa_dispatch_once": {"latency_us": 15.0, "per_peer_us": 2.0, "gbps": 700}})

    def test_holds_the_per_peer_term_given_for_one_world(self):
        points = [case("a2a_ll", 2, rows, 64, 5 + wire(2, rows) / 400e3) for rows in (1, 8, 32)]
        done = run(points, "--per_peer_us", "0.7")
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertEqual(last_json(done)["lsa_dispatch"],
                         {"latency_us": 5.0, "per_peer_us": 0.7, "gbps": 400})
        self.assertIn("lsa_dispatch_once: fewer than two row counts", done.stdout)

    def test_takes_one_variant_of_an_ab_tarball_and_no_aggregates(self):
        def points(latency, gbps):
            return [case("a2a_ll", 2, rows, 64, latency + wire(2, rows) / gbps) for rows in (1, 8)]
        # A repetitions run's aggregate, smaller than any point, must not count as a budget.
        stddev = dict(case("a2a_ll", 2, 1, 32, 0.01), run_type="aggregate")
        members = {"head.1.json": points(4, 200e3) + [stddev], "head.2.json": points(4, 200e3),
                   "other.1.json": points(9, 900e3)}
        head = run_tarball(members)
        self.assertEqual(head.returncode, 0, head.stderr)
        self.assertEqual(last_json(head)["lsa_dispatch"],
                         {"latency_us": 4.0, "per_peer_us": 0.0, "gbps": 200})
        other = run_tarball(members, "--variant", "other")
        self.assertEqual(other.returncode, 0, other.stderr)
        self.assertEqual(last_json(other)["lsa_dispatch"],
                         {"latency_us": 9.0, "per_peer_us": 0.0, "gbps": 900})
        missing = run_tarball(members, "--variant", "absent")
        self.assertNotEqual(missing.returncode, 0)
        self.assertIn("no a2a_ll case", missing.stderr)

    def test_refuses_a_fit_with_a_negative_term(self):
        points = [case("a2a_ll", world, rows, 64, 6 - 0.5 * (world - 2) + wire(world, rows) / 300e3)
                  for world in (2, 4) for rows in (1, 8, 16)]
        done = run(points)
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("negative term", done.stderr)

    def test_refuses_points_that_do_not_grow_with_bytes(self):
        done = run([case("a2a_ll", 2, rows, 64, 30 - rows / 2) for rows in (1, 8, 32)])
        self.assertNotEqual(done.returncode, 0)
        self.assertIn("rate is not positive", done.stderr)

    def test_the_defaults_are_the_fit_of_the_measurement_they_cite(self):
        done = subprocess.run([sys.executable, TOOL, MEASURED], capture_output=True, text=True)
        self.assertEqual(done.returncode, 0, done.stderr)
        fitted = last_json(done)
        with open(COST_MODEL_CC) as f:
            source = f.read()
        for field in ("lsa_dispatch", "lsa_dispatch_once"):
            match = re.search(r"\." + field + r" = \{\.latency_us = ([\d.]+), \.per_peer_us = "
                              r"([\d.]+), \.gbps = (\d+)\}", source)
            self.assertIsNotNone(match, field)
            self.assertEqual(fitted[field], {"latency_us": float(match.group(1)),
                                             "per_peer_us": float(match.group(2)),
                                             "gbps": int(match.group(3))}, field)


if __name__ == "__main__":
    unittest.main()
