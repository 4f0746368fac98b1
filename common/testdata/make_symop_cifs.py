#!/usr/bin/env python3
"""Write the two symmetry-expansion fixtures of common/test_cif.c (run from this folder):

  NaCl_Fm-3m.cif       rock salt in Fm-3m (No. 225): the 192 operations are the 48 signed
                       permutation matrices (point group m-3m) times the four F-centring
                       translations; Na at 4a (0,0,0), Cl at 4b (1/2,1/2,1/2) -> 8 atoms.
  Si_diamond_Fd-3m.cif diamond Si in Fd-3m (No. 227), origin choice 2 (origin at -3m): the
                       operations of origin choice 1 (Td about the origin, and -g + 1/4 for
                       the other coset), times the F-centring, shifted by p = (1/8,1/8,1/8):
                       t2 = R p + t1 - p; Si at 8a (1/8,1/8,1/8) -> 8 atoms.

The script checks that each set of operations is a group modulo lattice translations
(closed under composition, 192 distinct elements) before writing.  The operations are
printed in several styles ('-y+1/2', '1/2+x', '0.25+z', no spaces; single, double or no
quotes) to exercise the parser.
Lattice constants: NaCl a = 5.6402 Å, Si a = 5.4310 Å (room-temperature experimental
values, as in common textbooks; the tests only use them to check distances).
"""
from fractions import Fraction as F
from itertools import permutations, product


def signed_perms():
    for perm in permutations(range(3)):
        for signs in product((1, -1), repeat=3):
            yield tuple(tuple(signs[i] if j == perm[i] else 0 for j in range(3)) for i in range(3))


def mul(a, b):  # (Ra, ta) * (Rb, tb) = (Ra Rb, Ra tb + ta), translations mod 1
    ra, ta = a
    rb, tb = b
    r = tuple(tuple(sum(ra[i][k] * rb[k][j] for k in range(3)) for j in range(3)) for i in range(3))
    t = tuple((sum(ra[i][k] * tb[k] for k in range(3)) + ta[i]) % 1 for i in range(3))
    return (r, t)


def check_group(ops):
    s = set(ops)
    assert len(s) == len(ops) == 192, len(s)
    for a in ops:
        for b in ops:
            assert mul(a, b) in s


CENTRING = [(F(0), F(0), F(0)), (F(0), F(1, 2), F(1, 2)), (F(1, 2), F(0), F(1, 2)), (F(1, 2), F(1, 2), F(0))]


def fm3m():
    ops = []
    for c in CENTRING:
        for r in signed_perms():
            ops.append((r, tuple(x % 1 for x in c)))
    return ops


def fd3m_origin2():
    p = (F(1, 8),) * 3
    ops = []
    for c in CENTRING:
        for r in signed_perms():
            sign_product = 1
            for row in r:
                sign_product *= sum(row)
            if sign_product == 1:  # Td: product of the signs is +1
                t1 = (F(0),) * 3
            else:  # -g with g in Td, inversion centre at (1/8,1/8,1/8)
                t1 = (F(1, 4),) * 3
            t1 = tuple((t1[i] + c[i]) for i in range(3))
            t2 = tuple((sum(r[i][k] * p[k] for k in range(3)) + t1[i] - p[i]) % 1 for i in range(3))
            ops.append((r, t2))
    return ops


def fmt_frac(t, style):
    if style == 2 and t.denominator in (2, 4, 8):
        return "%g" % float(t)
    return "%d/%d" % (t.numerator, t.denominator) if t.denominator != 1 else "%d" % t.numerator


def fmt_op(op, style):
    r, t = op
    comps = []
    for i in range(3):
        terms = ""
        for j in range(3):
            if r[i][j]:
                terms += ("-" if r[i][j] < 0 else "+") + "xyz"[j]
        if terms.startswith("+"):
            terms = terms[1:]
        if t[i] == 0:
            comps.append(terms)
        elif style == 0:
            comps.append(terms + "+" + fmt_frac(t[i], style))
        else:
            comps.append(fmt_frac(t[i], style) + ("+" + terms if not terms.startswith("-") else terms))
    return (", " if style == 0 else ",").join(comps)


def main():
    nacl = fm3m()
    check_group(nacl)
    with open("NaCl_Fm-3m.cif", "w") as f:
        f.write("# Rock salt NaCl in Fm-3m (No. 225), all 192 symmetry operations listed.\n"
                "# Written by make_symop_cifs.py for common/test_cif.c; expands to 4 Na + 4 Cl.\n"
                "data_NaCl\n_symmetry_space_group_name_H-M   'F m -3 m'\n_symmetry_Int_Tables_number 225\n"
                "_cell_length_a 5.6402(3)\n_cell_length_b 5.6402(3)\n_cell_length_c 5.6402(3)\n"
                "_cell_angle_alpha 90\n_cell_angle_beta 90\n_cell_angle_gamma 90\n"
                "loop_\n_symmetry_equiv_pos_site_id\n_symmetry_equiv_pos_as_xyz\n")
        for i, op in enumerate(nacl):
            f.write("%d '%s'\n" % (i + 1, fmt_op(op, 0)))
        f.write("loop_\n_atom_site_label\n_atom_site_type_symbol\n_atom_site_fract_x\n"
                "_atom_site_fract_y\n_atom_site_fract_z\n_atom_site_occupancy\n"
                "Na1 Na+ 0 0 0 1\nCl1 Cl- 0.5 0.5 0.5 1\n")
    si = fd3m_origin2()
    check_group(si)
    with open("Si_diamond_Fd-3m.cif", "w") as f:
        f.write("# Diamond Si in Fd-3m (No. 227), origin choice 2, all 192 symmetry operations listed\n"
                "# (DDLm tag names, three printing styles).  Written by make_symop_cifs.py for\n"
                "# common/test_cif.c; Si at 8a expands to the 8 atoms of the conventional cell.\n"
                "data_Si\n_space_group.name_H-M_alt 'F d -3 m :2'\n"
                "_cell.length_a 5.4310\n_cell.length_b 5.4310\n_cell.length_c 5.4310\n"
                "_cell.angle_alpha 90.0\n_cell.angle_beta 90.0\n_cell.angle_gamma 90.0\n"
                "loop_\n_space_group_symop.id\n_space_group_symop.operation_xyz\n")
        for i, op in enumerate(si):
            quote = ("'", '"', "")[i % 3]  # style 0 has spaces and must be quoted
            f.write("%d %s%s%s\n" % (i + 1, quote, fmt_op(op, i % 3), quote))
        f.write("loop_\n_atom_site.label\n_atom_site.fract_x\n_atom_site.fract_y\n_atom_site.fract_z\n"
                "Si1 0.125 0.125 0.125\n")


if __name__ == "__main__":
    main()
