#!/usr/bin/env python3
"""Benchmark: `assure recheck` on a folder of --submissions submission
folders made from examples/approved (each under its own name; every
--every-th ships CVE-2025-99999 unfixed), with a known-exploited catalogue
that adds that CVE. Runs it twice on an empty cache directory: the first run
reads every document with its plugins (and keeps the extractions), the
second reads none. Prints the wall time of each and what changed.

Usage (after `cargo build --release -p assure-cli`):
  python3 scripts/bench-recheck.py [--assure target/release/assure]
      [--submissions 1000] [--every 100]
"""

import argparse
import importlib.util
import io
import os
import subprocess
import tarfile
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
AS_OF = "2025-09-22T00:00:00Z"

spec = importlib.util.spec_from_file_location(
    "bench_current", os.path.join(ROOT, "scripts", "bench-current.py"))
current = importlib.util.module_from_spec(spec)
spec.loader.exec_module(current)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--assure", default=os.path.join(ROOT, "target/release/assure"))
    parser.add_argument("--submissions", type=int, default=1000)
    parser.add_argument("--every", type=int, default=100)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="assure-bench-recheck-")
    folder = os.path.join(work, "submissions")
    files = current.template()
    for i in range(args.submissions):
        archive = current.product(files, i, i % args.every == 0)
        with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
            for member in tar.getmembers():
                path = os.path.join(folder, f"s{i:05d}", member.name.split("/", 1)[1])
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "wb") as out:
                    out.write(tar.extractfile(member).read())
    kev = os.path.join(work, "kev.json")
    with open(kev, "wb") as out:
        out.write(current.kev())
    cache = os.path.join(work, "cache")
    for run in ["first (plugins read every document)", "second (every extraction kept)"]:
        started = time.monotonic()
        done = subprocess.run(
            [args.assure, "recheck", folder, "--kev", kev, "--since", AS_OF, "--as-of", AS_OF,
             "--cache-dir", cache],
            capture_output=True, text=True,
        )
        took = time.monotonic() - started
        summary = [l for l in done.stdout.splitlines() if "would change" in l]
        print(f"{run}: {took:.2f} s, exit {done.returncode}: {summary[-1] if summary else done.stderr[-300:]}",
              flush=True)


if __name__ == "__main__":
    main()
