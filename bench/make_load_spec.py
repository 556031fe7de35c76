#!/usr/bin/env python3
"""bench/make_load_spec.py - writes a load spec: the single-request cases of SPEC (or only the
one named by the optional third argument), N times over."""
import copy
import json
import sys

spec = json.load(open(sys.argv[1]))
times = int(sys.argv[2])
single = [c for c in spec["cases"] if "steps" not in c]
if len(sys.argv) > 3:
    single = [c for c in single if c["id"] == sys.argv[3]]
spec["cases"] = []
for i in range(times):
    for c in single:
        c = copy.deepcopy(c)
        c["id"] = f"{c['id']}.{i}"
        spec["cases"].append(c)
json.dump(spec, sys.stdout)
