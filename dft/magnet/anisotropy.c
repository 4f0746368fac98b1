/* Anisotropy constants and units of `lodestone mae` (dft/magnet/mae.c).
 *
 * Uniaxial crystals (tetragonal, hexagonal, trigonal: one proper rotation axis of order 3, 4
 * or 6, here required along z as the cells of these crystals are usually given):
 *   E(theta) - E(0) = K1 sin^2 theta + K2 sin^4 theta,  theta the angle of the moments to the axis
 * fitted (linear least squares) to every direction computed, in J/m^3; with only the axis and
 * directions perpendicular to it, K2 is taken as 0 and K1 = (E_perp - E_axis) / V.
 * Hardness parameter kappa = sqrt(K1 / (mu0 Ms^2)) (R. Skomski, J. M. D. Coey, Scripta Mater. 112,
 * 3 (2016), doi:10.1016/j.scriptamat.2015.09.021: kappa > 1 for a permanent magnet), Ms the
 * magnetisation (spin + orbital moments of the cell along the easy direction) per volume, A/m.
 * Units: 1 Ha = 27211.386245988 meV; 1 Ha/bohr^3 = LS_HA_BOHR3_GPA GPa = 1000 LS_HA_BOHR3_GPA MJ/m^3;
 * mu_B = 9.2740100783e-24 A m^2, mu0 = 1.25663706212e-6 N/A^2 (CODATA 2018).
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/elements.h"
#include "common/err.h"
#include "common/symmetry.h"
#include "common/units.h"
#include "dft/magnet/mae_impl.h"

#define MU_B_AM2 9.2740100783e-24
#define MU_0 1.25663706212e-6

static int gcd(int a, int b) { return b ? gcd(b, a % b) : a; }

int dft_mae_describe(const dft_params *p, dft_mae_result *r)
{
    const ls_structure *s = p->structure;
    r->n_atom = s->n_atom;
    r->volume = fabs(ls_cell_volume(s->cell));
    /* Formula: elements in order of first appearance, counts reduced by their gcd. */
    int z[128], cnt[128], n = 0;
    for (int a = 0; a < s->n_atom; a++) {
        int k = 0;
        while (k < n && z[k] != s->z[a]) k++;
        if (k == n && n < 128) z[n] = s->z[a], cnt[n++] = 0;
        if (k < n) cnt[k]++;
    }
    int g = 0;
    for (int k = 0; k < n; k++) g = gcd(g, cnt[k]);
    if (g < 1) g = 1;
    r->n_formula_units = g;
    r->formula[0] = '\0';
    for (int k = 0; k < n; k++) {
        size_t len = strlen(r->formula);
        if (cnt[k] / g == 1) snprintf(r->formula + len, sizeof r->formula - len, "%s", ls_element_symbol(z[k]));
        else snprintf(r->formula + len, sizeof r->formula - len, "%s%d", ls_element_symbol(z[k]), cnt[k] / g);
    }
    /* Uniaxial: every proper rotation of order 3, 4 or 6 of the crystal about z. */
    ls_symops *ops = NULL;
    if (ls_symops_create(s, 0.0, &ops) != LS_OK) { /* no symmetry: K1 is not reported */
        ls_error_clear();
        return LS_OK;
    }
    int axis = 0, other = 0;
    for (int op = 0; op < ops->n_op; op++) {
        const double (*c)[3] = (const double(*)[3])ops->cart_rotations[op];
        double det = c[0][0] * (c[1][1] * c[2][2] - c[1][2] * c[2][1]) - c[0][1] * (c[1][0] * c[2][2] - c[1][2] * c[2][0]) +
                     c[0][2] * (c[1][0] * c[2][1] - c[1][1] * c[2][0]);
        double pc[3][3]; /* the proper part */
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++) pc[i][j] = det * c[i][j];
        double tr = pc[0][0] + pc[1][1] + pc[2][2];
        /* trace 1 + 2 cos(2 pi / n): 3 identity, -1 twofold; 0, 1, 2 for n = 3, 4, 6 */
        if (tr > 2.5 || tr < -0.5) continue;
        if (fabs(pc[2][2] - 1) < 1e-6 && fabs(pc[0][2]) < 1e-6 && fabs(pc[1][2]) < 1e-6) axis = 1;
        else other = 1;
    }
    ls_symops_destroy(ops);
    r->uniaxial = axis && !other;
    return LS_OK;
}

double dft_mae_convert(const dft_mae_result *r, double e_ha, int unit)
{
    if (unit == 0) return e_ha * LS_HARTREE_EV * 1000 / r->n_formula_units;
    if (unit == 1) return e_ha * LS_HARTREE_EV * 1000 / r->n_atom;
    return e_ha / r->volume * LS_HA_BOHR3_GPA * 1000;
}

void dft_mae_anisotropy_constants(dft_mae_result *r)
{
    const struct dft_mae_mesh_result *m = &r->m[r->n_mesh - 1];
    for (int method = 0; method < 2; method++) {
        r->has_k[method] = 0;
        double e[DFT_MAE_MAX_DIR], s2[DFT_MAE_MAX_DIR];
        int i0 = -1, ok = 1;
        for (int i = 0; i < r->n_dir; i++) {
            const struct dft_mae_entry *d = &m->d[i];
            if (!(method == 0 ? d->done_ft : d->done_scf)) ok = 0;
            e[i] = method == 0 ? d->e_band : d->e_scf;
            s2[i] = 1 - r->dir[i][2] * r->dir[i][2];
            if (s2[i] < 1e-10 && i0 < 0) i0 = i;
        }
        if (!ok || !r->uniaxial || i0 < 0) continue;
        /* Least squares of e_i - e_axis = K1 s2 + K2 s2^2 over the other directions. */
        double a11 = 0, a12 = 0, a22 = 0, b1 = 0, b2 = 0;
        int n_dist = 0;
        double seen[DFT_MAE_MAX_DIR];
        for (int i = 0; i < r->n_dir; i++) {
            if (i == i0 || s2[i] < 1e-10) continue;
            double x = s2[i], y = e[i] - e[i0];
            a11 += x * x, a12 += x * x * x, a22 += x * x * x * x, b1 += x * y, b2 += x * x * y;
            int dup = 0;
            for (int k = 0; k < n_dist; k++) dup |= fabs(seen[k] - x) < 1e-6;
            if (!dup) seen[n_dist++] = x;
        }
        if (n_dist == 0) continue;
        double k1, k2 = 0;
        if (n_dist >= 2) {
            double det = a11 * a22 - a12 * a12;
            k1 = (b1 * a22 - b2 * a12) / det;
            k2 = (a11 * b2 - a12 * b1) / det;
        } else {
            k1 = b1 / a11;
        }
        r->k1[method] = dft_mae_convert(r, k1, 2) * 1e6; /* J/m^3 */
        r->k2[method] = dft_mae_convert(r, k2, 2) * 1e6;
        /* Ms along the easy direction (the lowest energy) */
        int easy = 0;
        for (int i = 1; i < r->n_dir; i++)
            if (e[i] < e[easy]) easy = i;
        const struct dft_mae_entry *d = &m->d[easy];
        double mt = 0;
        for (int x = 0; x < 3; x++) mt += (d->m_cell[x] + d->m_orbital[x]) * r->dir[easy][x];
        double v = r->volume * pow(LS_BOHR_ANGSTROM * 1e-10, 3);
        r->ms_a_m[method] = fabs(mt) * MU_B_AM2 / v;
        r->kappa[method] = r->k1[method] > 0 ? sqrt(r->k1[method] / (MU_0 * r->ms_a_m[method] * r->ms_a_m[method])) : 0;
        r->has_k[method] = 1;
    }
}

/* "1-10" -> (1, -1, 0); "1:0.5:0" -> components. */
static int parse_direction(const char *t, double v[3])
{
    if (strchr(t, ':')) {
        char *end;
        for (int k = 0; k < 3; k++) {
            v[k] = strtod(t, &end);
            if (end == t || (k < 2 && *end != ':') || (k == 2 && *end)) return -1;
            t = end + 1;
        }
        return 0;
    }
    int k = 0;
    for (const char *c = t; *c; c++) {
        int sign = 1;
        if (*c == '-') {
            sign = -1;
            c++;
        }
        if (!isdigit((unsigned char)*c) || k >= 3) return -1;
        v[k++] = sign * (*c - '0');
    }
    return k == 3 ? 0 : -1;
}

int dft_mae_parse_directions(const char *text, struct dft_mae_options *o)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", text);
    o->n_dir = 0;
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        while (isspace((unsigned char)*tok)) tok++;
        if (o->n_dir >= DFT_MAE_MAX_DIR) LS_ERROR(LS_ERR_USAGE, "--directions: at most %d directions", DFT_MAE_MAX_DIR);
        double *v = o->dir[o->n_dir];
        if (parse_direction(tok, v) != 0 || !(v[0] * v[0] + v[1] * v[1] + v[2] * v[2] > 0))
            LS_ERROR(LS_ERR_USAGE, "--directions: '%s' is not a direction: write three digits as 001 or 1-10, or x:y:z", tok);
        snprintf(o->dir_label[o->n_dir], sizeof o->dir_label[o->n_dir], "%s", tok);
        o->n_dir++;
    }
    if (o->n_dir < 2) LS_ERROR(LS_ERR_USAGE, "--directions: give at least two directions, e.g. 001,100");
    return LS_OK;
}

int dft_mae_parse_meshes(const char *text, struct dft_mae_options *o)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", text);
    o->n_mesh = 0;
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (o->n_mesh >= DFT_MAE_MAX_MESH) LS_ERROR(LS_ERR_USAGE, "--kmesh-series: at most %d meshes", DFT_MAE_MAX_MESH);
        int *m = o->mesh[o->n_mesh], n = 0;
        if (sscanf(tok, " %dx%dx%d%n", &m[0], &m[1], &m[2], &n) != 3 || tok[n] != '\0' || m[0] < 1 || m[1] < 1 || m[2] < 1 ||
            m[0] > 200 || m[1] > 200 || m[2] > 200)
            LS_ERROR(LS_ERR_USAGE, "--kmesh-series: '%s' is not a mesh: write N1xN2xN3 (1..200), e.g. 8x8x8,12x12x12", tok);
        o->n_mesh++;
    }
    if (o->n_mesh < 1) LS_ERROR(LS_ERR_USAGE, "--kmesh-series: no mesh given");
    return LS_OK;
}
