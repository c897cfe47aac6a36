#!/usr/bin/env python3
"""Loads a release written by `rounds bench gen` (its manifest.json) with `rounds ingest`, file by file, in the
order the joins need (ZIP centroids and taxonomy first, physicians before what hangs off them).
Usage: load-release.py ROUNDS_BINARY RELEASE_DIR DATABASE_URL [STORAGE_DIR] [--only=DATASET,...]"""
import json
import os
import subprocess
import sys

ORDER = ["zcta", "nucc", "nppes", "nppes-locations", "dac", "hospitals", "facility-affiliation", "partb", "partd",
         "open-payments"]


def main():
    if len([a for a in sys.argv[1:] if not a.startswith("--only=")]) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    only = None
    args = []
    for a in sys.argv[1:]:
        if a.startswith("--only="):
            only = set(a[len("--only="):].split(","))
        else:
            args.append(a)
    binary, release, url = args[0:3]
    storage = args[3] if len(args) > 3 else ""
    with open(os.path.join(release, "manifest.json")) as f:
        manifest = json.load(f)
    files = []
    for entry in manifest["files"]:
        dataset = entry["dataset"]
        if dataset == "nppes" and entry.get("part") == "pl":
            dataset = "nppes-locations"
        files.append((ORDER.index(dataset), dataset, entry))
    for _, dataset, entry in sorted(files, key=lambda t: (t[0], t[2].get("year", 0))):
        if only is not None and dataset not in only:
            continue
        cmd = [binary, "ingest", dataset, os.path.join(release, entry["path"]), "--database-url", url, "--quiet",
               "--log-level", "warn"]
        if entry.get("year"):
            cmd += ["--year", str(entry["year"])]
        if storage:
            cmd += ["--storage-dir", storage]
        run = subprocess.run(cmd, capture_output=True, text=True)
        if run.returncode != 0:
            print(f"load-release: {dataset} {entry['path']} failed ({run.returncode}):\n{run.stdout}{run.stderr}",
                  file=sys.stderr)
            return run.returncode
        print(f"  {dataset:22s} {entry['path']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
