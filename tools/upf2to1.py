#!/usr/bin/env python3
"""Convert a norm-conserving UPF v2 file to UPF v1 (the layout of Quantum ESPRESSO's
upflib/read_upf_v1.f90), keeping every number as the same text so that both files hold
identical data.  Used to make the v1 test fixture dft/testdata/Si.v1.upf:

    python3 tools/upf2to1.py inputs/pseudo/pd04-pbe-sr/Si.upf dft/testdata/Si.v1.upf

Only what the v1 format carries is written: header, mesh, core charge, local part,
projectors (the first cutoff_radius_index points, as v1 stores them), D_ij (nonzero
entries), pseudo-wavefunctions and atomic density.
"""
import re
import sys


def tag(text, name):
    """(attributes dict, body) of <name ...>body</name> or <name .../>; None if absent."""
    m = re.search(r"<%s(\s[^>]*?)?(/?)>" % re.escape(name), text, re.S)
    if m is None:
        return None
    attrs = dict((k, v.strip()) for k, v in re.findall(r'(\w+)\s*=\s*"([^"]*)"', m.group(1) or ""))
    if m.group(2) == "/":
        return attrs, ""
    end = text.index("</%s" % name, m.end())
    return attrs, text[m.end():end]


def numbers(body):
    return body.split()


def block(out, values, per_line=4):
    for i in range(0, len(values), per_line):
        out.append("  " + "  ".join(values[i:i + per_line]))


def truthy(s):
    return s.strip().upper() in ("T", ".TRUE.", "TRUE")


def main(src, dst):
    text = open(src).read()
    h, _ = tag(text, "PP_HEADER")
    if h.get("pseudo_type", "NC").upper() not in ("NC", "SL"):
        sys.exit("only norm-conserving potentials can be converted")
    mesh = int(h["mesh_size"])
    nbeta = int(h["number_of_proj"])
    nwfc = int(h.get("number_of_wfc", "0"))
    nlcc = truthy(h.get("core_correction", "F"))
    out = ["<PP_INFO>",
           "  Converted from UPF v2 by Lodestone tools/upf2to1.py; source file: %s" % src.split("/")[-1],
           "  Original: PseudoDojo NC SR PBE v0.4 (trim600), CC BY 4.0, see dft/testdata/README.md",
           "</PP_INFO>",
           "<PP_HEADER>",
           "   0                   Version Number",
           "  %-2s                  Element" % h["element"],
           "   NC                  Norm - Conserving pseudopotential",
           "    %s                  Nonlinear Core Correction" % ("T" if nlcc else "F"),
           "%-20s   %-20s Exchange-Correlation functional" % (h["functional"][:20], ""),
           "  %s      Z valence" % h["z_valence"],
           "  %s      Total energy" % h.get("total_psenergy", "0.0"),
           "  0.0000000  0.0000000 Suggested cutoff for wfc and rho",
           "  %s                   Max angular momentum component" % h.get("l_max", "0"),
           "  %d                 Number of points in mesh" % mesh,
           "  %d  %d               Number of Wavefunctions, Number of Projectors" % (nwfc, nbeta),
           " Wavefunctions         nl  l   occ"]
    chis = []
    for i in range(1, nwfc + 1):
        a, body = tag(text, "PP_CHI.%d" % i)
        chis.append((a, numbers(body)))
        out.append("                       %s  %s  %s" % (a.get("label", "1S"), a.get("l", "0"), a.get("occupation", "0.0")))
    out.append("</PP_HEADER>")
    out.append("<PP_MESH>")
    for name in ("PP_R", "PP_RAB"):
        out.append("  <%s>" % name)
        block(out, numbers(tag(text, name)[1]))
        out.append("  </%s>" % name)
    out.append("</PP_MESH>")
    if nlcc:
        out.append("<PP_NLCC>")
        block(out, numbers(tag(text, "PP_NLCC")[1]))
        out.append("</PP_NLCC>")
    out.append("<PP_LOCAL>")
    block(out, numbers(tag(text, "PP_LOCAL")[1]))
    out.append("</PP_LOCAL>")
    out.append("<PP_NONLOCAL>")
    for i in range(1, nbeta + 1):
        a, body = tag(text, "PP_BETA.%d" % i)
        v = numbers(body)
        ikk = int(a.get("cutoff_radius_index", str(mesh)))
        if any(float(x.replace("D", "E").replace("d", "e")) != 0.0 for x in v[ikk:]):
            sys.exit("PP_BETA.%d is nonzero beyond cutoff_radius_index: v1 cannot hold it" % i)
        out.append("  <PP_BETA>")
        out.append("    %d    %s             Beta    L" % (i, a["angular_momentum"]))
        out.append("   %d" % ikk)
        block(out, v[:ikk])
        out.append("  %s  %s   Rcut  Rcutus" % (a.get("cutoff_radius", "0.0"), a.get("ultrasoft_cutoff_radius", "0.0")))
        out.append("  </PP_BETA>")
    d = numbers(tag(text, "PP_DIJ")[1])
    nz = [(i, j, d[(j - 1) * nbeta + (i - 1)]) for i in range(1, nbeta + 1) for j in range(i, nbeta + 1)
          if float(d[(j - 1) * nbeta + (i - 1)].replace("D", "E")) != 0.0]
    out.append("  <PP_DIJ>")
    out.append("    %d                  Number of nonzero Dij" % len(nz))
    for i, j, v in nz:
        out.append("    %d    %d  %s" % (i, j, v))
    out.append("  </PP_DIJ>")
    out.append("</PP_NONLOCAL>")
    out.append("<PP_PSWFC>")
    for a, v in chis:
        out.append("%s  %s  %s  Wavefunction" % (a.get("label", "1S"), a.get("l", "0"), a.get("occupation", "0.0")))
        block(out, v)
    out.append("</PP_PSWFC>")
    out.append("<PP_RHOATOM>")
    block(out, numbers(tag(text, "PP_RHOATOM")[1]))
    out.append("</PP_RHOATOM>")
    open(dst, "w").write("\n".join(out) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: upf2to1.py IN.upf OUT.upf")
    main(sys.argv[1], sys.argv[2])
