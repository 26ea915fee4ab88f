#!/usr/bin/env bash
# fp32 and int8 side by side: the same load-test scenario run against the server at pros.inference.precision=fp32,
# then int8, alternating ROUNDS times (so drift of a shared machine hits both alike), then one table per step with each
# precision's median over its runs and the int8 / fp32 ratios.
#
#   load-tests/precision-pair.sh [SCENARIO] [ROUNDS] [key=value ...]
#
# SCENARIO: default (the default); ROUNDS: 2; key=value: scenario overrides (load-tests/README.md), applied to every
# run; server.precision is set by this script. Reports: load-tests/target/precision-pair/<precision>-<round>/, the
# summary in load-tests/target/precision-pair/summary.txt. Needs an idle machine, as every load test.
set -euo pipefail
cd "$(dirname "$0")/.."
scenario=default
rounds=2
if [[ $# -gt 0 && $1 != *=* ]]; then scenario=$1; shift; fi
if [[ $# -gt 0 && $1 =~ ^[0-9]+$ ]]; then rounds=$1; shift; fi
out=load-tests/target/precision-pair
rm -rf "$out"
mkdir -p "$out"
for round in $(seq 1 "$rounds"); do
  for precision in fp32 int8; do
    echo "== round $round of $rounds: server.precision=$precision"
    load-tests/run.sh "$scenario" "$@" server.precision="$precision" output.dir="$out/$precision-$round" \
      > "$out/$precision-$round.log" 2>&1 || { tail -30 "$out/$precision-$round.log"; exit 1; }
    grep -E '^(grpc|http)' "$out/$precision-$round/table.txt" || true
  done
done
python3 - "$out" <<'EOF' | tee "$out/summary.txt"
import glob, json, os, statistics, sys

out = sys.argv[1]
runs = {}
for path in sorted(glob.glob(os.path.join(out, "*-*", "report.json"))):
    precision = os.path.basename(os.path.dirname(path)).split("-")[0]
    runs.setdefault(precision, []).append(json.load(open(path)))

def key(step):
    load = "c=%d" % step["concurrency"] if step["mode"] == "closed" else step["rateSetting"] or "%.0f/s" % step["targetRate"]
    return (step["protocol"], step["mode"], load)

def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else float("nan")

table = {}
for precision, reports in runs.items():
    for report in reports:
        for step in report["steps"]:
            row = table.setdefault(key(step), {}).setdefault(precision, {"ok": [], "p50": [], "p99": [], "cpu": [],
                                                                         "offered": []})
            row["ok"].append(step["okPerSecond"])
            row["p50"].append(step["p50Millis"])
            row["p99"].append(step["p99Millis"])
            row["offered"].append(step["offeredRate"])
            server = step.get("server") or {}
            row["cpu"].append(server.get("cpuCores"))

first = next(iter(runs.values()))[0]
print("fp32 vs int8 side by side: scenario %s, %d run(s) each, alternating; %s .. %s" % (
    first["scenario"], len(runs.get("fp32", [])), first["startedAt"],
    max(r["finishedAt"] for reports in runs.values() for r in reports)))
print("medians over each precision's runs; faces/CPU-s = ok/s over the server's CPU cores; open-loop rates are each"
      " run's own (Nx of that run's best closed-loop ok/s)")
print()
print("%-11s %-6s %-9s | %8s %8s %6s %6s %7s | %8s %8s %6s %6s %7s | %6s %7s" % (
    "protocol", "mode", "load", "fp32 ok/s", "offered", "p50", "p99", "f/CPU-s", "int8 ok/s", "offered", "p50", "p99",
    "f/CPU-s", "x ok/s", "x f/CPUs"))
for k in table:
    cells = []
    values = {}
    for precision in ("fp32", "int8"):
        row = table[k].get(precision)
        if row is None:
            cells += ["-"] * 5
            continue
        ok = median(row["ok"])
        per_cpu = median([o / c for o, c in zip(row["ok"], row["cpu"]) if c])
        values[precision] = (ok, per_cpu)
        cells += ["%.1f" % ok, "%.1f" % median(row["offered"]) if k[1] == "open" else "-", "%.0f" % median(row["p50"]),
                  "%.0f" % median(row["p99"]), "%.1f" % per_cpu]
    ratio = ("%.2f" % (values["int8"][0] / values["fp32"][0]), "%.2f" % (values["int8"][1] / values["fp32"][1])) \
        if len(values) == 2 else ("-", "-")
    print("%-11s %-6s %-9s | %8s %8s %6s %6s %7s | %8s %8s %6s %6s %7s | %6s %7s" % (*k, *cells, *ratio))
EOF
