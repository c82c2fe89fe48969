#!/usr/bin/env python3
"""issue 4: checks a `newsdesk export DIR` tree: the expected files exist,
every HTML file is safe (safehtml.py), XML files are well-formed and the
JSON feed parses. Usage: check_export.py DIR MIN_ITEMS"""
import json
import os
import sys
import xml.etree.ElementTree as ET

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safehtml  # noqa: E402

root, min_items = sys.argv[1], int(sys.argv[2])
bad = []
for f in ("index.html", "404.html", "feed.xml", "atom.xml", "feed.json",
          "sitemap.xml", "robots.txt", "static/site.css"):
    if not os.path.isfile(os.path.join(root, f)):
        bad.append("missing " + f)
items = os.listdir(os.path.join(root, "item")) if os.path.isdir(os.path.join(root, "item")) else []
if len(items) < min_items:
    bad.append("only %d item pages" % len(items))
n = 0
for dirpath, _, files in os.walk(root):
    for f in files:
        p = os.path.join(dirpath, f)
        data = open(p, "rb").read()
        n += 1
        if f.endswith(".html"):
            probs, _ = safehtml.problems(data.decode("utf-8"))
            bad += ["%s: %s" % (p, x) for x in probs]
        elif f.endswith(".xml"):
            try:
                ET.fromstring(data)
            except ET.ParseError as e:
                bad.append("%s: %s" % (p, e))
        elif f.endswith(".json"):
            json.loads(data)
for b in bad:
    print("FAIL:", b)
print("export: %d files, %d item pages, %d problems" % (n, len(items), len(bad)))
sys.exit(1 if bad else 0)
