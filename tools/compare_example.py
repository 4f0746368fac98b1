#!/usr/bin/env python3
"""Compare one example's lodestone JSON with its expected.json; prints PASS/FAIL per number.

    compare_example.py EXPECTED.json RESULT.json [EXIT_CODE]

expected.json: {"n_atoms": N, "expected": {NAME: {"value": V, "tolerance": T, ...}, ...}}, NAME one of
energy_per_atom_eV, fermi_eV, homo_eV, total_magnetization_muB, absolute_magnetization_muB, pressure_GPa.
Exit 0 if all pass, 1 otherwise.  Standard library only.
"""
import json
import sys


def measured(result, name, n_atoms):
    if name == "energy_per_atom_eV":
        return result["energy_eV"] / n_atoms
    if name == "pressure_GPa":  # P = -tr(sigma)/3 with sigma in ASE's sign (positive = tensile)
        s = result["stress_GPa"]
        return -(s[0][0] + s[1][1] + s[2][2]) / 3.0
    if name in ("fermi_eV", "homo_eV", "total_magnetization_muB", "absolute_magnetization_muB"):
        return result[name]
    raise KeyError("unknown quantity '%s' in expected.json" % name)


def main(argv):
    if len(argv) not in (3, 4):
        print(__doc__.strip())
        return 2
    with open(argv[1]) as f:
        expected = json.load(f)
    with open(argv[2]) as f:
        result = json.load(f)
    ok = True
    if len(argv) == 4 and argv[3] != "0":
        print("   FAIL  lodestone exit code %s (0 expected)" % argv[3])
        ok = False
    if not result.get("converged", False):
        print("   FAIL  SCF not converged")
        ok = False
    for name, spec in expected["expected"].items():
        try:
            value = measured(result, name, expected["n_atoms"])
        except KeyError as e:
            print("   FAIL  %-28s missing from the result (%s)" % (name, e))
            ok = False
            continue
        diff = value - spec["value"]
        good = abs(diff) <= spec["tolerance"]
        ok = ok and good
        print("   %s  %-28s %16.8f  expected %16.8f  diff %+.2e  tolerance %.1e" %
              ("PASS" if good else "FAIL", name, value, spec["value"], diff, spec["tolerance"]))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
