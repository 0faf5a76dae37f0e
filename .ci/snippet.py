#!/usr/bin/env python3
"""Prints the code block of README.md that follows `<!-- ci: NAME -->`, so CI runs the very
snippets users copy.

    snippet.py README.md NAME
"""

import sys

path, name = sys.argv[1], sys.argv[2]
lines = open(path, encoding="utf-8").read().splitlines()
marker = f"<!-- ci: {name} -->"
if lines.count(marker) != 1:
    sys.exit(f"snippet.py: {path} has {lines.count(marker)} `{marker}` markers, expected 1")
start = lines.index(marker) + 1
if not lines[start].startswith("```"):
    sys.exit(f"snippet.py: no code block right after `{marker}` in {path}")
end = lines.index("```", start + 1)
print("\n".join(lines[start + 1 : end]))
