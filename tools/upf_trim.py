#!/usr/bin/env python3
"""Cut the radial data of a UPF v2 file to its first N mesh points.

    tools/upf_trim.py IN.upf OUT.upf [--mesh 600]

What it changes, and nothing else: the header's mesh_size, and the arrays PP_R, PP_RAB, PP_LOCAL,
PP_NLCC, PP_RHOATOM, PP_BETA.i, PP_CHI.i (and PP_AEWFC/PP_PSWFC-style per-mesh arrays if present)
keep their first N values as the very text of the original (no number is re-printed), with their
size attribute set to N; a NOTE is added at the top of PP_INFO.  This is what the "PseudoDojo v0.4
trim" files of the ACWF verification (zhubonan/dojo-upf-trim, upftrim.py --mesh 600) are; the
scalar-relativistic library inputs/pseudo/pd04-pbe-sr/ is that set.  Used here for the fully
relativistic set inputs/pseudo/pd04-pbe-fr/ (its README).  Projector arrays must fit:
cutoff_radius_index <= N is checked.  Standard library only.
"""
import argparse
import datetime
import re
import sys

MESH_TAGS = ("PP_R", "PP_RAB", "PP_LOCAL", "PP_NLCC", "PP_RHOATOM")
INDEXED_TAGS = ("PP_BETA", "PP_CHI")


def trim_body(body, n, columns):
    tokens = body.split()
    if len(tokens) < n:
        raise ValueError("an array has %d values, fewer than %d" % (len(tokens), n))
    kept = tokens[:n]
    lines = [" ".join(kept[i:i + columns]) for i in range(0, n, columns)]
    return "\n" + "\n".join(lines) + "\n"


def trim(text, n):
    m = re.search(r'mesh_size="\s*(\d+)"', text)
    if not m:
        raise ValueError("no mesh_size in <PP_HEADER>")
    mesh = int(m.group(1))
    if n >= mesh:
        raise ValueError("the mesh has %d points: nothing to cut at %d" % (mesh, n))
    for idx in re.findall(r'cutoff_radius_index="\s*(\d+)"', text):
        if int(idx) > n:
            raise ValueError("cutoff_radius_index %s is beyond %d points" % (idx, n))
    text = text[:m.start()] + 'mesh_size="%6d"' % n + text[m.end():]

    def repl(match):
        head, attrs, body, close = match.group(1), match.group(2), match.group(3), match.group(4)
        size = re.search(r'size="\s*(\d+)"', attrs)
        if size is None or int(size.group(1)) != mesh:
            return match.group(0)  # not a mesh array (e.g. PP_DIJ)
        cols = re.search(r'columns="\s*(\d+)"', attrs)
        columns = int(cols.group(1)) if cols else 4
        attrs = attrs[:size.start()] + 'size="%d"' % n + attrs[size.end():]
        return head + attrs + ">" + trim_body(body, n, columns) + close

    names = "|".join([re.escape(t) for t in MESH_TAGS] + [re.escape(t) + r"\.\d+" for t in INDEXED_TAGS])
    pattern = re.compile(r"(<(?:%s))(\s[^>]*?)>(.*?)(</(?:%s)>)" % (names, names), re.S)
    text, count = pattern.subn(repl, text)
    if count == 0:
        raise ValueError("no radial arrays found")
    note = ("\nNOTE: radial data cut to the first %d mesh points (of %d) by Lodestone's tools/upf_trim.py on %s;\n"
            "the values kept are the original text.\n" % (n, mesh, datetime.date.today().isoformat()))
    text = text.replace("<PP_INFO>", "<PP_INFO>" + note, 1)
    return text


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--mesh", type=int, default=600)
    a = ap.parse_args()
    with open(a.input) as f:
        text = f.read()
    try:
        out = trim(text, a.mesh)
    except ValueError as e:
        print("%s: %s" % (a.input, e), file=sys.stderr)
        return 2
    with open(a.output, "w") as f:
        f.write(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
