#!/usr/bin/env python3
"""Adds up the JUnit XML files of a test run, lists failures, prints 'rounds: N passed, M failed' last."""
import glob
import os
import sys
import xml.etree.ElementTree as ET

art = sys.argv[1]
total_pass = total_fail = total_skip = 0
failures = []
for path in sorted(glob.glob(os.path.join(art, "*.xml"))):
    suite_name = os.path.basename(path)[:-4]
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        failures.append(f"{suite_name}: unreadable results ({e})")
        total_fail += 1
        continue
    p = f = s = 0
    for case in root.iter("testcase"):
        status = case.get("status", "")
        if case.find("failure") is not None or case.find("error") is not None or status == "fail":
            f += 1
            failures.append(f"{suite_name}: {case.get('classname', '')} {case.get('name')}")
        elif case.find("skipped") is not None or status in ("notrun", "disabled"):
            s += 1
        else:
            p += 1
    print(f"  {suite_name:16s} {p:5d} passed {f:4d} failed {s:4d} skipped")
    total_pass += p
    total_fail += f
    total_skip += s
expected = ["ctest-release", "ctest-asan", "pytest"]
for name in expected:
    if not os.path.exists(os.path.join(art, name + ".xml")):
        failures.append(f"{name}: produced no results")
        total_fail += 1
for line in failures:
    print("  FAILED", line)
if total_pass == 0:
    total_fail += 1
    print("  FAILED: no test ran")
print(f"rounds: {total_pass} passed, {total_fail} failed" + (f", {total_skip} skipped" if total_skip else ""))
sys.exit(1 if total_fail else 0)
