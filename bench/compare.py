"""Times `churn analyze` against the peers a user would otherwise use, on the same files, in one
run: the polars-Python pipeline, the DuckDB query, the pandas script, and the floor (polars
reading the file and nothing else). Prints the median wall time and peak memory (RSS) of each,
and each one's ratio to churn. Run through bench/compare.sh, which sets up the virtualenv.

    python bench/compare.py [--runs N] [--skip pandas] [--vocabulary large] [--churn BIN] [ROWS ...]
    (default 1000000 10000000)
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, "target", "bench")
CHURN = os.path.join(ROOT, "target", "release", "churn")
GENERATE = os.path.join(ROOT, "target", "release", "examples", "generate")
PEERS = os.path.join(ROOT, "bench", "peers")
COLUMN = "Why did you cancel?"


def run_measured(cmd):
    """Wall seconds and peak RSS (MB) of one run of `cmd` (stdout discarded), from wait4."""
    start = time.perf_counter()
    pid = os.posix_spawn(cmd[0], cmd, os.environ, file_actions=[
        (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
    ])
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(cmd)} failed: {status}")
    return wall, usage.ru_maxrss / 1024.0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--skip", action="append", default=[],
                        help="leave out a tool: polars, duckdb, pandas, floor")
    parser.add_argument("--vocabulary", choices=["small", "large"], default="small",
                        help="large: answers among Zipf-distributed made-up words, as real "
                             "comments carry (the generator's zipf mode)")
    parser.add_argument("--churn", default=CHURN,
                        help="the churn binary to measure (e.g. an older build, for before/after)")
    parser.add_argument("rows", type=int, nargs="*")
    args = parser.parse_args()
    args.rows = args.rows or [1_000_000, 10_000_000]
    os.makedirs(BENCH, exist_ok=True)

    keywords = os.path.join(BENCH, "keywords.json")
    taxonomy = subprocess.run([args.churn, "taxonomy", "show", "-f", "json"], check=True,
                              capture_output=True).stdout
    with open(keywords, "wb") as f:
        f.write(subprocess.run([sys.executable, os.path.join(PEERS, "keywords.py")],
                               input=taxonomy, check=True, capture_output=True).stdout)

    py = sys.executable
    results = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()}",
               "runs": args.runs, "files": []}
    for n in args.rows:
        large = args.vocabulary == "large"
        path = os.path.join(BENCH, f"exit-survey-{'zipf-' if large else ''}{n}.csv")
        if not os.path.exists(path) or os.path.getsize(path) == 0:
            with open(path, "wb") as f:
                mode = ["20261122", "zipf"] if large else []
                subprocess.run([GENERATE, str(n), *mode], stdout=f, check=True)
        size = os.path.getsize(path) / 1e6
        tools = [
            ("churn", [args.churn, "analyze", path, "--format", "json", "-q"]),
            ("polars (Python)", [py, os.path.join(PEERS, "polars_peer.py"), path, COLUMN, keywords]),
            ("DuckDB", [py, os.path.join(PEERS, "duckdb_peer.py"), path, COLUMN, keywords]),
            ("pandas", [py, os.path.join(PEERS, "pandas_peer.py"), path, COLUMN, keywords]),
            ("floor: polars read only", [py, os.path.join(PEERS, "floor.py"), path]),
        ]
        skip = {s.lower() for s in args.skip}
        tools = [t for t in tools if t[0].split()[0].lower().rstrip(":") not in skip]
        vocabulary = ", large vocabulary" if large else ""
        print(f"\n{n:,} rows ({size:,.0f} MB{vocabulary}), median of {args.runs} runs")
        rows = []
        for name, cmd in tools:
            if name == "pandas" and n > 2_000_000 and args.runs > 1:
                runs = 1  # minutes per run; one is enough to place it
            else:
                runs = args.runs
            measured = [run_measured(cmd) for _ in range(runs)]
            wall = statistics.median(m[0] for m in measured)
            rss = max(m[1] for m in measured)
            rows.append({"tool": name, "seconds": round(wall, 3), "peak_mb": round(rss),
                         "runs": runs})
        base = rows[0]
        print(f"{'tool':<26}{'wall s':>9}{'x churn':>9}{'peak MB':>9}{'x churn':>9}")
        for r in rows:
            print(f"{r['tool']:<26}{r['seconds']:>9.2f}{r['seconds'] / base['seconds']:>9.2f}"
                  f"{r['peak_mb']:>9}{r['peak_mb'] / base['peak_mb']:>9.2f}")
        results["files"].append({"rows": n, "mb": round(size), "vocabulary": args.vocabulary,
                                 "results": rows})
    out = os.path.join(BENCH, "compare.json")
    with open(out, "w") as f:
        json.dump(results, f, indent=1)
    print(f"\nwritten: {out}")


if __name__ == "__main__":
    main()
