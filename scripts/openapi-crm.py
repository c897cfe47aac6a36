#!/usr/bin/env python3
"""Merges the CRM part of the API description, generated from server/crm/entity.cpp by crm_tests (the test
CrmOpenApi.* writes build/<preset>/server/crm/crm-openapi-fragment.json), into api/openapi.json.
Usage: scripts/openapi-crm.py [fragment.json]"""
import json
import os
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
frag_path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "build/debug/server/crm/crm-openapi-fragment.json")
spec_path = os.path.join(root, "api/openapi.json")
frag = json.load(open(frag_path))
spec = json.load(open(spec_path))
# Drop CRM operations that are no longer generated, then put the generated ones in.
for path in list(spec["paths"]):
    item = spec["paths"][path]
    if path not in frag["paths"] and all("crm" in (op.get("tags") or []) for m, op in item.items()
                                         if isinstance(op, dict) and "operationId" in op):
        del spec["paths"][path]
spec["paths"].update(frag["paths"])
spec["components"]["schemas"].update(frag["schemas"])
with open(spec_path, "w") as f:
    json.dump(spec, f, indent=2, ensure_ascii=False)
    f.write("\n")
print(f"api/openapi.json: {len(frag['paths'])} CRM paths, {len(frag['schemas'])} CRM schemas")
