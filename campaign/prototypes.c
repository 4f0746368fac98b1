/* Structure prototypes of the campaign: the intermetallic types of permanent-magnet and
 * Heusler screens, and the elemental structures of the reference phases.
 *
 * Sites and settings as in the Strukturbericht / AFLOW prototype library (Mehl et al., Comput.
 * Mater. Sci. 136, S1 (2017), doi:10.1016/j.commatsci.2017.01.017; Hicks et al., Comput.
 * Mater. Sci. 161, S1 (2019)); Heusler site conventions as in Graf, Felser and Parkin, Prog.
 * Solid State Chem. 39, 1 (2011), doi:10.1016/j.progsolidstchem.2011.02.001 (L2_1: X at 8c,
 * Y at 4b, Z at 4a; inverse XA: X at 4a and 4c, Y at 4b, Z at 4d).  alpha-Ga: Cmce, Ga at 8f
 * (0, 0.1549, 0.0810), a = 4.5197, b = 7.6633, c = 4.5260 A (Sharma and Donohue, Z. Kristallogr.
 * 117, 293 (1962)).  The antiparallel ('ferri') patterns are the simplest collinear ones with
 * the sites' known orderings: Mn(2b) against Mn(4d) in D0_22 Mn3Ga, Y against X in Mn2VAl-type
 * L2_1, the 4a against the 4c site of XA Mn2CoGa, sublattice against sublattice otherwise.
 */
#include <math.h>
#include <string.h>

#include "campaign/campaign_impl.h"
#include "common/elements.h"
#include "common/err.h"
#include "common/units.h"

static const struct campaign_prototype k_b2 = {
    "B2", "CsCl type (Pm-3m), AB", "B2", 2, 2, "AB", "AB", 0, 221, CAMPAIGN_LAT_CUBIC_P, 1, 1,
    {{0, 0, 0}, {0.5, 0.5, 0.5}}, {+1, -1}};
/* L1_0 in its primitive tetragonal cell: c/a = sqrt(2) is the ideal fcc stacking. */
static const struct campaign_prototype k_l10 = {
    "L10", "CuAu type (P4/mmm), AB, tetragonal", "L1_0", 2, 2, "AB", "AB", 0, 123, CAMPAIGN_LAT_TETRA_P, M_SQRT2, 1,
    {{0, 0, 0}, {0.5, 0.5, 0.5}}, {+1, -1}};
static const struct campaign_prototype k_l12 = {
    "L12", "Cu3Au type (Pm-3m), A3B", "L1_2", 4, 2, "AB", "BAAA", 0, 221, CAMPAIGN_LAT_CUBIC_P, 1, 1,
    {{0, 0, 0}, {0, 0.5, 0.5}, {0.5, 0, 0.5}, {0.5, 0.5, 0}}, {-1, +1, +1, +1}};
static const struct campaign_prototype k_d03 = {
    "D03", "BiF3 / Fe3Al type (Fm-3m), A3B", "D0_3", 4, 2, "AB", "BAAA", 0, 225, CAMPAIGN_LAT_CUBIC_F, 1, 1,
    {{0, 0, 0}, {0.5, 0.5, 0.5}, {0.25, 0.25, 0.25}, {0.75, 0.75, 0.75}}, {+1, -1, +1, +1}};
static const struct campaign_prototype k_l21 = {
    "L21", "full Heusler Cu2MnAl type (Fm-3m), X2YZ", "L2_1", 4, 3, "XYZ", "ZYXX", 0, 225, CAMPAIGN_LAT_CUBIC_F, 1, 1,
    {{0, 0, 0}, {0.5, 0.5, 0.5}, {0.25, 0.25, 0.25}, {0.75, 0.75, 0.75}}, {+1, -1, +1, +1}};
static const struct campaign_prototype k_xa = {
    "XA", "inverse Heusler Hg2CuTi type (F-43m), X2YZ", "XA", 4, 3, "XYZ", "XXYZ", 0, 216, CAMPAIGN_LAT_CUBIC_F, 1, 1,
    {{0, 0, 0}, {0.25, 0.25, 0.25}, {0.5, 0.5, 0.5}, {0.75, 0.75, 0.75}}, {-1, +1, +1, +1}};
/* D0_22 in its body-centred tetragonal primitive cell; c/a = 2 is two stacked fcc cubes. */
static const struct campaign_prototype k_d022 = {
    "D022", "TiAl3 type (I4/mmm), A3B, tetragonal", "D0_22", 4, 2, "AB", "BAAA", 0, 139, CAMPAIGN_LAT_TETRA_I, 2, 1,
    {{0, 0, 0}, {0, 0, 0.5}, {0, 0.5, 0.25}, {0.5, 0, 0.25}}, {+1, -1, +1, +1}};
/* Elemental structures (reference phases only). */
static const struct campaign_prototype k_a1 = {
    "A1", "fcc (Fm-3m)", "A1", 1, 1, "A", "A", 1, 225, CAMPAIGN_LAT_CUBIC_F, 1, 1, {{0, 0, 0}}, {+1}};
static const struct campaign_prototype k_a2 = {
    "A2", "bcc (Im-3m)", "A2", 1, 1, "A", "A", 1, 229, CAMPAIGN_LAT_CUBIC_I, 1, 1, {{0, 0, 0}}, {+1}};
static const struct campaign_prototype k_a3 = {
    "A3", "hcp (P6_3/mmc)", "A3", 2, 1, "A", "AA", 1, 194, CAMPAIGN_LAT_HEX, 1.633, 1,
    {{1.0 / 3, 2.0 / 3, 0.25}, {2.0 / 3, 1.0 / 3, 0.75}}, {+1, -1}};
static const struct campaign_prototype k_a4 = {
    "A4", "diamond (Fd-3m)", "A4", 2, 1, "A", "AA", 1, 227, CAMPAIGN_LAT_CUBIC_F, 1, 1,
    {{0, 0, 0}, {0.25, 0.25, 0.25}}, {+1, -1}};
static const struct campaign_prototype k_a11 = {
    "A11", "alpha-Ga (Cmce)", "A11", 4, 1, "A", "AAAA", 1, 64, CAMPAIGN_LAT_ORTHO_C, 4.5260 / 4.5197, 7.6633 / 4.5197,
    {{0, 0.1549, 0.0810}, {0, 0.5 - 0.1549, 0.0810 + 0.5}, {0, 0.1549 + 0.5, 0.5 - 0.0810}, {0, -0.1549, -0.0810}},
    {+1, -1, +1, -1}};

const struct campaign_prototype *const campaign_prototypes[] = {&k_b2, &k_l10, &k_l12, &k_d03, &k_d022, &k_l21,
                                                                &k_xa, &k_a1,  &k_a2,  &k_a3,  &k_a4,   &k_a11,
                                                                NULL};

const struct campaign_prototype *campaign_prototype_find(const char *name)
{
    for (int i = 0; campaign_prototypes[i]; i++)
        if (!strcmp(campaign_prototypes[i]->name, name)) return campaign_prototypes[i];
    return NULL;
}

/* The primitive cell (rows, units of a) and the conventional axes (a, b, c in units of a). */
static void lattice_cells(int lattice, double ca, double ba, double prim[3][3], double conv[3][3])
{
    memset(prim, 0, 9 * sizeof(double));
    memset(conv, 0, 9 * sizeof(double));
    conv[0][0] = 1;
    conv[1][1] = 1;
    conv[2][2] = 1;
    switch (lattice) {
    case CAMPAIGN_LAT_CUBIC_P:
        memcpy(prim, conv, 9 * sizeof(double));
        break;
    case CAMPAIGN_LAT_CUBIC_F: {
        const double f[3][3] = {{0, 0.5, 0.5}, {0.5, 0, 0.5}, {0.5, 0.5, 0}};
        memcpy(prim, f, sizeof f);
        break;
    }
    case CAMPAIGN_LAT_CUBIC_I: {
        const double b[3][3] = {{-0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0.5, 0.5, -0.5}};
        memcpy(prim, b, sizeof b);
        break;
    }
    case CAMPAIGN_LAT_TETRA_P:
        conv[2][2] = ca;
        memcpy(prim, conv, 9 * sizeof(double));
        break;
    case CAMPAIGN_LAT_TETRA_I: {
        conv[2][2] = ca;
        const double t[3][3] = {{-0.5, 0.5, ca / 2}, {0.5, -0.5, ca / 2}, {0.5, 0.5, -ca / 2}};
        memcpy(prim, t, sizeof t);
        break;
    }
    case CAMPAIGN_LAT_HEX: {
        const double h[3][3] = {{1, 0, 0}, {-0.5, sqrt(3.0) / 2, 0}, {0, 0, ca}};
        memcpy(prim, h, sizeof h);
        memcpy(conv, h, sizeof h); /* positions are given in the hexagonal cell itself */
        break;
    }
    case CAMPAIGN_LAT_ORTHO_C: {
        conv[1][1] = ba;
        conv[2][2] = ca;
        const double o[3][3] = {{0.5, -ba / 2, 0}, {0.5, ba / 2, 0}, {0, 0, ca}};
        memcpy(prim, o, sizeof o);
        break;
    }
    }
}

static double det3(const double m[3][3])
{
    return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
           m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
}

int campaign_prototype_build(const struct campaign_prototype *p, const int *z_role, double volume_a3, double c_over_a,
                             ls_structure **out)
{
    *out = NULL;
    if (!(volume_a3 > 0 && volume_a3 < 1000))
        LS_ERROR(LS_ERR_INPUT, "prototype %s: volume per atom %g A^3 out of range", p->name, volume_a3);
    double ca = c_over_a > 0 ? c_over_a : p->c_over_a;
    double prim[3][3], conv[3][3];
    lattice_cells(p->lattice, ca, p->b_over_a, prim, conv);
    double v_unit = fabs(det3(prim)); /* volume of the primitive cell for a = 1 */
    double a_bohr = cbrt(p->n_atom * volume_a3 / v_unit) * LS_ANGSTROM_BOHR;
    ls_structure *s = NULL;
    LS_TRY(ls_structure_create(p->n_atom, &s));
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) s->cell[i][j] = prim[i][j] * a_bohr;
    int status = LS_OK;
    for (int ia = 0; ia < p->n_atom; ia++) {
        const char *role = strchr(p->roles, p->site_roles[ia]);
        if (!role) LS_ERROR_GOTO(status, LS_ERR_INTERNAL, fail, "prototype %s: bad site role", p->name);
        int z = z_role[role - p->roles];
        LS_TRY_GOTO(status, ls_structure_set_species(s, ia, ls_element_symbol(z)), fail);
        for (int j = 0; j < 3; j++) {
            double r = 0;
            for (int k = 0; k < 3; k++) r += p->frac_conv[ia][k] * conv[k][j];
            s->pos[ia][j] = r * a_bohr;
        }
    }
    *out = s;
    return LS_OK;
fail:
    ls_structure_destroy(s);
    return status;
}
