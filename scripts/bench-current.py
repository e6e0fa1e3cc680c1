#!/usr/bin/env python3
"""Benchmark: a portfolio kept current by `assure serve`.

Starts `assure serve` on a fresh database (SQLite by default, or the
PostgreSQL server URL given with --postgres, in a new database), uploads
--products products made from examples/approved (each under its own name;
every --every-th ships CVE-2025-99999 unfixed, stated in its SBOM with a low
severity), then measures, on the whole process:

  1. loading a known-exploited catalogue that adds CVE-2025-99999: the
     products that ship it are found through the index and decided again
     (they flip to reject); the others are not touched;
  2. a full sweep (`POST /api/v1/recheck?all=true`): every product decided
     again from the stored evidence, the extractions taken from the facts
     cache (no plugin runs), nothing stored (nothing changed).

Usage (after `cargo build --release -p assure-cli`):
  python3 scripts/bench-current.py [--assure target/release/assure]
      [--products 10000] [--every 100] [--postgres postgres://…/db]

Prints one line per stage with its wall time; docs/PERFORMANCE.md records
the results and the machine's load.
"""

import argparse
import concurrent.futures
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
AS_OF = "2025-09-22T00:00:00Z"
CVE = "CVE-2025-99999"


def template():
    folder = os.path.join(ROOT, "examples", "approved")
    return {
        name: open(os.path.join(folder, name), "rb").read().decode()
        for name in sorted(os.listdir(folder))
    }


def product(files, i, exposed):
    name = f"Bench{i:05d}"
    out = {}
    for path, text in files.items():
        out[path] = text.replace("CareFlow", name).replace("careflow", name.lower())
    if exposed:
        sbom = json.loads(out["sbom.cdx.json"])
        sbom["vulnerabilities"] = [{
            "bom-ref": f"vuln-{CVE}",
            "id": CVE,
            "ratings": [{"severity": "low", "score": 3.1, "method": "CVSSv31"}],
            "analysis": {"state": "exploitable", "detail": "fix in the next release"},
            "affects": [{"ref": "pkg:maven/commons-beanutils/commons-beanutils@1.9.4"}],
        }]
        out["sbom.cdx.json"] = json.dumps(sbom, indent=2)
    manifest = out["submission.toml"]
    for path, text in out.items():
        if path == "submission.toml":
            continue
        digest = hashlib.sha256(text.encode()).hexdigest()
        manifest = re.sub(
            r'(path = "%s"\nmedia_type = "[^"]*"\nsha256 = ")[0-9a-f]+' % re.escape(path),
            r"\g<1>" + digest,
            manifest,
        )
    out["submission.toml"] = manifest
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", compresslevel=1) as tar:
        for path, text in out.items():
            data = text.encode()
            info = tarfile.TarInfo(f"submission/{path}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def kev():
    catalogue = json.load(open(os.path.join(ROOT, "policies/nhs-baseline/data/kev.json")))
    catalogue["catalogVersion"] = "2025.09.01"
    catalogue["dateReleased"] = "2025-09-01T12:00:00.000Z"
    catalogue["vulnerabilities"].append({
        "cveID": CVE, "vendorProject": "Bench", "product": "Bench",
        "vulnerabilityName": "Benchmark entry", "dateAdded": "2025-09-01",
        "shortDescription": "", "requiredAction": "", "dueDate": "2025-09-22",
        "knownRansomwareCampaignUse": "Unknown", "notes": "", "cwes": [],
    })
    catalogue["count"] = len(catalogue["vulnerabilities"])
    return json.dumps(catalogue).encode()


def request(base, token, path, body=None, content_type="application/json"):
    req = urllib.request.Request(base + path, data=body, method="POST" if body is not None else "GET")
    req.add_header("Authorization", f"Bearer {token}")
    if body is not None:
        req.add_header("Content-Type", content_type)
    with urllib.request.urlopen(req, timeout=3600) as response:
        return json.loads(response.read() or b"null")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--assure", default=os.path.join(ROOT, "target/release/assure"))
    parser.add_argument("--products", type=int, default=10000)
    parser.add_argument("--every", type=int, default=100)
    parser.add_argument("--postgres")
    parser.add_argument("--uploaders", type=int, default=4)
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="assure-bench-current-")
    if args.postgres:
        name = f"assure_bench_{os.getpid()}"
        subprocess.run(["psql", args.postgres, "-q", "-c", f"CREATE DATABASE {name}"], check=True)
        database = args.postgres.rsplit("/", 1)[0] + "/" + name
    else:
        database = f"sqlite://{work}/assure.db"
    tokens = {
        role: subprocess.run(
            [args.assure, "serve", "token", "new", "--role", role, "--database", database],
            check=True, capture_output=True, text=True,
        ).stdout.strip()
        for role in ["assurance", "procurement"]
    }
    server = subprocess.Popen(
        [args.assure, "serve", "--listen", "127.0.0.1:0", "--as-of", AS_OF, "--request-timeout", "3600",
         "--database", database, "--key", f"{work}/service.key"],
        stdout=subprocess.PIPE, text=True, env={**os.environ, "ASSURE_LOG": "warn"},
    )
    try:
        line = server.stdout.readline()
        base = line.split("listening on ", 1)[1].strip()
        threading.Thread(target=lambda: server.stdout.read(), daemon=True).start()
        files = template()
        started = time.monotonic()

        def upload(i):
            body = product(files, i, i % args.every == 0)
            request(base, tokens["procurement"], "/api/v1/submissions", body, "application/gzip")

        with concurrent.futures.ThreadPoolExecutor(args.uploaders) as pool:
            for _ in pool.map(upload, range(args.products)):
                pass
        exposed = len([i for i in range(args.products) if i % args.every == 0])
        took = time.monotonic() - started
        print(f"uploaded {args.products} products in {took:.1f} s ({args.products / took:.1f}/s)", flush=True)

        started = time.monotonic()
        loaded = request(base, tokens["assurance"], "/api/v1/reference/kev", kev())
        took = time.monotonic() - started
        flipped = sum(1 for r in loaded["redecided"] if r["from"] != r["to"])
        print(f"KEV addition: {loaded['considered']} of {args.products} products considered "
              f"({exposed} ship the CVE), {flipped} flipped, in {took:.2f} s", flush=True)

        started = time.monotonic()
        swept = request(base, tokens["assurance"], "/api/v1/recheck?all=true", b"{}")
        took = time.monotonic() - started
        stored = sum(1 for r in swept if r.get("decision"))
        print(f"full sweep: {len(swept)} products decided again, {stored} stored, in {took:.2f} s "
              f"({took * 1000 / max(len(swept), 1):.2f} ms each)", flush=True)
    finally:
        server.terminate()
        server.wait()
        if args.postgres:
            subprocess.run(["psql", args.postgres, "-q", "-c",
                            f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"])


if __name__ == "__main__":
    sys.exit(main())
