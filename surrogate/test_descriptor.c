/* Tests for the descriptors (every registry entry) and the neighbour list: derivatives
 * against finite differences, invariances, smoothness at the cutoff, cell lists against a
 * brute-force search. */
#include <math.h>
#include <stdlib.h>

#include "common/err.h"
#include "common/test.h"
#include "common/units.h"
#include "surrogate/descriptor.h"
#include "surrogate/neighbor.h"
#include "surrogate/network.h"

#define NN 14

static double urand(unsigned long long *s) { return nnp_rand_uniform(s); }

/* A random environment of up to three elements inside r_cut (untidy numbers). */
static void make_env(double rc, int n_elem, unsigned long long *rng, double (*d)[3], double *r, int *el)
{
    for (int j = 0; j < NN; j++) {
        double len;
        do {
            for (int c = 0; c < 3; c++) d[j][c] = (2 * urand(rng) - 1) * rc;
            len = sqrt(d[j][0] * d[j][0] + d[j][1] * d[j][1] + d[j][2] * d[j][2]);
        } while (len < 0.3 * rc || len > 0.97 * rc);
        r[j] = len;
        el[j] = n_elem > 2 ? j % 3 : n_elem == 2 ? (j % 3 == 0 ? 1 : 0) : 0;
    }
}

static void refresh_r(double (*d)[3], double *r)
{
    for (int j = 0; j < NN; j++) r[j] = sqrt(d[j][0] * d[j][0] + d[j][1] * d[j][1] + d[j][2] * d[j][2]);
}

static nnp_descriptor *make_desc(const char *type, int n_elem)
{
    struct nnp_descriptor_params p = {"", 4.7 * LS_ANGSTROM_BOHR, 5, 3, 3, NNP_CHEM_ELEMENT, 0, 0, 0};
    snprintf(p.type, sizeof p.type, "%s", type);
    nnp_descriptor *d = NULL;
    LS_CHECK_OK(nnp_descriptor_create(&p, n_elem, &d));
    return d;
}

/* The cases of the battery: every registry entry with its format-1 settings, then the
 * moment descriptor with Chebyshev chemical channels (2 of 3 elements) and four-body
 * invariants, and with four-body invariants up to l = 4 and element channels (1 element).
 * NULL past the end. */
static nnp_descriptor *make_case(int ic, const char **name)
{
    int n_reg = 0;
    while (nnp_descriptor_types[n_reg]) n_reg++;
    if (ic < n_reg) {
        *name = nnp_descriptor_types[ic]->name;
        return make_desc(*name, 2);
    }
    struct nnp_descriptor_params p = {"moment", 4.7 * LS_ANGSTROM_BOHR, 5, 3, 3, NNP_CHEM_ELEMENT, 0, 0, 0};
    nnp_descriptor *d = NULL;
    if (ic == n_reg) {
        *name = "moment chebyshev 2 of 3 + four-body";
        p.chem = NNP_CHEM_CHEBYSHEV;
        p.n_chem = 2;
        p.n_radial4 = 2;
        p.l_max4 = 3;
        LS_CHECK_OK(nnp_descriptor_create(&p, 3, &d));
        return d;
    }
    if (ic == n_reg + 1) {
        *name = "moment four-body l 4";
        p.l_max = 4;
        p.n_radial4 = 3;
        p.l_max4 = 4;
        LS_CHECK_OK(nnp_descriptor_create(&p, 1, &d));
        return d;
    }
    return NULL;
}

/* vjp and jvp against central differences of G, for every descriptor type. */
static void test_derivatives(void)
{
    for (int it = 0;; it++) {
        const char *name = NULL;
        nnp_descriptor *desc = make_case(it, &name);
        if (desc == NULL) break;
        const int nf = desc->n_feat;
        unsigned long long rng = 2024 + it;
        double d[NN][3], r[NN], dE[NN][3], t[NN][3];
        int el[NN];
        make_env(desc->p.r_cut, desc->n_elem, &rng, d, r, el);
        double *G = malloc(nf * sizeof *G), *Gp = malloc(nf * sizeof *Gp), *Gm = malloc(nf * sizeof *Gm);
        double *gbar = malloc(nf * sizeof *gbar), *Gdot = malloc(nf * sizeof *Gdot);
        double *st = malloc((desc->n_state + 1) * sizeof *st), *st2 = malloc((desc->n_state + 1) * sizeof *st2);
        double *scr = malloc(desc->type->n_scratch(desc, NN) * sizeof *scr);
        struct nnp_env env = {NN, el, (const double(*)[3])d, r};
        for (int f = 0; f < nf; f++) gbar[f] = 2 * urand(&rng) - 1;
        for (int j = 0; j < NN; j++)
            for (int c = 0; c < 3; c++) t[j][c] = 2 * urand(&rng) - 1;
        desc->type->compute(desc, &env, G, st, scr);
        desc->type->vjp(desc, &env, gbar, st, scr, dE);
        desc->type->jvp(desc, &env, (const double(*)[3])t, st, scr, Gdot);
        const double h = 1e-5;
        double max_err = 0.0, max_val = 0.0;
        for (int j = 0; j < NN; j++)
            for (int c = 0; c < 3; c++) {
                double keep = d[j][c];
                d[j][c] = keep + h;
                refresh_r(d, r);
                desc->type->compute(desc, &env, Gp, st2, scr);
                d[j][c] = keep - h;
                refresh_r(d, r);
                desc->type->compute(desc, &env, Gm, st2, scr);
                d[j][c] = keep;
                refresh_r(d, r);
                double fd = 0.0;
                for (int f = 0; f < nf; f++) fd += gbar[f] * (Gp[f] - Gm[f]) / (2 * h);
                max_err = fmax(max_err, fabs(fd - dE[j][c]));
                max_val = fmax(max_val, fabs(fd));
            }
        LS_CHECK_MSG(max_err < 1e-6 * (1 + max_val), "%s vjp: max error %g (scale %g)", name, max_err, max_val);
        /* jvp: G(d + h t) */
        double max_jerr = 0.0, max_jval = 0.0;
        for (int s = 0; s < 2; s++) {
            for (int j = 0; j < NN; j++)
                for (int c = 0; c < 3; c++) d[j][c] += (s == 0 ? h : -2 * h) * t[j][c];
            refresh_r(d, r);
            desc->type->compute(desc, &env, s == 0 ? Gp : Gm, st2, scr);
        }
        for (int j = 0; j < NN; j++)
            for (int c = 0; c < 3; c++) d[j][c] += h * t[j][c];
        refresh_r(d, r);
        for (int f = 0; f < nf; f++) {
            double fd = (Gp[f] - Gm[f]) / (2 * h);
            max_jerr = fmax(max_jerr, fabs(fd - Gdot[f]));
            max_jval = fmax(max_jval, fabs(fd));
        }
        LS_CHECK_MSG(max_jerr < 1e-6 * (1 + max_jval), "%s jvp: max error %g (scale %g)", name, max_jerr,
                     max_jval);
        /* Adjoint identity: gbar . jvp(t) = sum_j vjp(gbar)_j . t_j (exact, up to rounding). */
        double lhs = 0.0, rhs = 0.0;
        for (int f = 0; f < nf; f++) lhs += gbar[f] * Gdot[f];
        for (int j = 0; j < NN; j++)
            for (int c = 0; c < 3; c++) rhs += dE[j][c] * t[j][c];
        LS_CHECK_NEAR(lhs, rhs, 1e-10 * (1 + fabs(lhs)));
        free(G), free(Gp), free(Gm), free(gbar), free(Gdot), free(st), free(st2), free(scr);
        nnp_descriptor_destroy(desc);
    }
}

/* Rotation and permutation of like neighbours leave G unchanged; a neighbour just inside
 * the cutoff contributes almost nothing (smooth cutoff). */
static void test_invariance(void)
{
    for (int it = 0;; it++) {
        const char *name = NULL;
        nnp_descriptor *desc = make_case(it, &name);
        if (desc == NULL) break;
        const int nf = desc->n_feat;
        unsigned long long rng = 77 + it;
        double d[NN][3], r[NN], d2[NN][3], r2[NN];
        int el[NN], el2[NN];
        make_env(desc->p.r_cut, desc->n_elem, &rng, d, r, el);
        double *G = malloc(nf * sizeof *G), *G2 = malloc(nf * sizeof *G2);
        double *st = malloc((desc->n_state + 1) * sizeof *st);
        double *scr = malloc(desc->type->n_scratch(desc, NN + 1) * sizeof *scr);
        struct nnp_env env = {NN, el, (const double(*)[3])d, r};
        desc->type->compute(desc, &env, G, st, scr);
        /* rotation by 0.7 rad about (1, 2, -0.5)/|.| (Rodrigues) */
        double ax[3] = {1, 2, -0.5}, an = sqrt(1 + 4 + 0.25), th = 0.7, R[3][3];
        for (int c = 0; c < 3; c++) ax[c] /= an;
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++) {
                double K = 0.0;
                if (a != b) {
                    int c = 3 - a - b;
                    double sgn = ((a + 1) % 3 == b) ? -1.0 : 1.0;
                    K = sgn * ax[c];
                }
                R[a][b] = (a == b ? cos(th) : 0.0) + sin(th) * K + (1 - cos(th)) * ax[a] * ax[b];
            }
        for (int j = 0; j < NN; j++) {
            for (int a = 0; a < 3; a++) d2[j][a] = R[a][0] * d[j][0] + R[a][1] * d[j][1] + R[a][2] * d[j][2];
            el2[j] = el[j];
        }
        refresh_r(d2, r2);
        struct nnp_env env2 = {NN, el2, (const double(*)[3])d2, r2};
        desc->type->compute(desc, &env2, G2, st, scr);
        double err = 0.0, scale = 0.0;
        for (int f = 0; f < nf; f++) {
            err = fmax(err, fabs(G[f] - G2[f]));
            scale = fmax(scale, fabs(G[f]));
        }
        LS_CHECK_MSG(err < 1e-11 * (1 + scale), "%s rotation: %g", name, err);
        /* permutation: reverse the order (like atoms swap among themselves) */
        for (int j = 0; j < NN; j++) {
            for (int a = 0; a < 3; a++) d2[j][a] = d[NN - 1 - j][a];
            el2[j] = el[NN - 1 - j];
        }
        refresh_r(d2, r2);
        desc->type->compute(desc, &env2, G2, st, scr);
        err = 0.0;
        for (int f = 0; f < nf; f++) err = fmax(err, fabs(G[f] - G2[f]));
        LS_CHECK_MSG(err < 1e-11 * (1 + scale), "%s permutation: %g", name, err);
        /* swapping the elements of two neighbours must change G (element resolution; the two differ) */
        for (int j = 0; j < NN; j++) {
            for (int a = 0; a < 3; a++) d2[j][a] = d[j][a];
            el2[j] = el[j];
        }
        el2[0] = el[1];
        el2[1] = el[0];
        refresh_r(d2, r2);
        desc->type->compute(desc, &env2, G2, st, scr);
        err = 0.0;
        for (int f = 0; f < nf; f++) err = fmax(err, fabs(G[f] - G2[f]));
        LS_CHECK_MSG(desc->n_elem < 2 || err > 1e-6, "%s does not resolve elements", name);
        /* smooth cutoff: an extra neighbour at 0.99999 r_c changes G by O(1e-10) */
        double d3[NN + 1][3], r3[NN + 1];
        int el3[NN + 1];
        for (int j = 0; j < NN; j++) {
            for (int a = 0; a < 3; a++) d3[j][a] = d[j][a];
            r3[j] = r[j];
            el3[j] = el[j];
        }
        d3[NN][0] = 0.99999 * desc->p.r_cut / sqrt(3.0);
        d3[NN][1] = d3[NN][0];
        d3[NN][2] = -d3[NN][0];
        r3[NN] = 0.99999 * desc->p.r_cut;
        el3[NN] = desc->n_elem - 1;
        struct nnp_env env3 = {NN + 1, el3, (const double(*)[3])d3, r3};
        desc->type->compute(desc, &env3, G2, st, scr);
        err = 0.0;
        for (int f = 0; f < nf; f++) err = fmax(err, fabs(G[f] - G2[f]));
        LS_CHECK_MSG(err < 1e-7 * (1 + scale), "%s cutoff not smooth: %g", name, err);
        free(G), free(G2), free(st), free(scr);
        nnp_descriptor_destroy(desc);
    }
}

/* Descriptor length against the number of elements: with Chebyshev channels only the two-body
 * part grows (n_radial per element); with element channels the three-body part grows with the
 * square.  Up to 20 elements (NNP_MAX_ELEMENTS is 32). */
static void test_length_vs_elements(void)
{
    struct nnp_descriptor_params p = {"moment", 9.4, 12, 6, 4, NNP_CHEM_CHEBYSHEV, 2, 4, 2};
    int len[21];
    for (int n = 1; n <= 20; n++) {
        nnp_descriptor *d = NULL;
        LS_CHECK_OK(nnp_descriptor_create(&p, n, &d));
        len[n] = d ? d->n_feat : -1;
        nnp_descriptor_destroy(d);
    }
    for (int n = 3; n <= 20; n++) LS_CHECK(len[n] - len[n - 1] == 12);
    /* one element: 12 two-body + 4 x 21 three-body (6 channels) + four-body (4 channels, l <= 2: 40 + 20) */
    LS_CHECK_MSG(len[1] == 12 + 4 * 21 + 60, "one element: %d features", len[1]);
    p.chem = NNP_CHEM_ELEMENT;
    p.n_radial4 = 0;
    nnp_descriptor *d = NULL;
    LS_CHECK_OK(nnp_descriptor_create(&p, 10, &d));
    if (d) LS_CHECK(d->n_feat == 10 * 12 + 4 * 60 * 61 / 2); /* the format-1 growth */
    nnp_descriptor_destroy(d);
}

static void test_bad_params(void)
{
    struct nnp_descriptor_params p = {"nonsense", 9.0, 4, 2, 2, NNP_CHEM_ELEMENT, 0, 0, 0};
    nnp_descriptor *d = NULL;
    LS_CHECK(nnp_descriptor_create(&p, 1, &d) == LS_ERR_INPUT && d == NULL);
    LS_CHECK(strstr(ls_error_message(), "moment") != NULL);
    snprintf(p.type, sizeof p.type, "moment");
    p.l_max = 99;
    LS_CHECK(nnp_descriptor_create(&p, 1, &d) == LS_ERR_INPUT);
    p.l_max = 2;
    p.r_cut = -1;
    LS_CHECK(nnp_descriptor_create(&p, 1, &d) == LS_ERR_INPUT);
}

/* Cell lists against a brute-force loop over images, for a small triclinic cell (many
 * images), a slab (one non-periodic direction) and a larger cell. */
static void check_neighbors(const ls_structure *s, double rc, const char *what)
{
    nnp_neighbor_list *nl = NULL;
    LS_CHECK_OK(nnp_neighbor_build(s, rc, &nl));
    if (nl == NULL) return;
    int nimg = 6;
    long total = 0;
    int bad = 0;
    for (int i = 0; i < s->n_atom; i++) {
        double sum_r = 0.0;
        long cnt = 0;
        for (int j = 0; j < s->n_atom; j++)
            for (int a = -nimg; a <= nimg; a++)
                for (int b = -nimg; b <= nimg; b++)
                    for (int c = -nimg; c <= nimg; c++) {
                        if ((!s->pbc[0] && a) || (!s->pbc[1] && b) || (!s->pbc[2] && c)) continue;
                        double d[3];
                        for (int k = 0; k < 3; k++)
                            d[k] = s->pos[j][k] + a * s->cell[0][k] + b * s->cell[1][k] + c * s->cell[2][k] - s->pos[i][k];
                        double r = sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
                        if (r < rc && r > 1e-9) {
                            cnt++;
                            sum_r += r;
                        }
                    }
        double nsum = 0.0;
        for (long p = nl->offset[i]; p < nl->offset[i + 1]; p++) nsum += nl->r[p];
        if (cnt != nl->offset[i + 1] - nl->offset[i] || fabs(nsum - sum_r) > 1e-8 * (1 + sum_r)) bad++;
        total += cnt;
    }
    LS_CHECK_MSG(bad == 0, "%s: %d atoms with wrong neighbours", what, bad);
    LS_CHECK_MSG(total == nl->n_pair, "%s: %ld pairs, brute force %ld", what, nl->n_pair, total);
    nnp_neighbor_destroy(nl);
}

static void test_neighbors(void)
{
    unsigned long long rng = 5;
    ls_structure *s = NULL;
    LS_CHECK_OK(ls_structure_create(3, &s));
    double cell[3][3] = {{4.1, 0.3, 0.0}, {1.2, 3.9, 0.2}, {-0.4, 0.7, 4.4}};
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++) s->cell[a][b] = cell[a][b];
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 3; k++) s->pos[i][k] = 10 * urand(&rng) - 3; /* outside the cell too */
    check_neighbors(s, 9.1, "small triclinic cell");
    s->pbc[2] = 0;
    check_neighbors(s, 9.1, "slab");
    s->pbc[0] = s->pbc[1] = 0;
    check_neighbors(s, 9.1, "molecule");
    ls_structure_destroy(s);
    LS_CHECK_OK(ls_structure_create(60, &s));
    double L = 14.3;
    s->cell[0][0] = L;
    s->cell[1][1] = L * 1.1;
    s->cell[2][2] = L * 0.9;
    s->cell[2][0] = 2.1;
    for (int i = 0; i < 60; i++)
        for (int k = 0; k < 3; k++) s->pos[i][k] = L * urand(&rng);
    check_neighbors(s, 5.3, "larger cell");
    ls_structure_destroy(s);
}

int main(void)
{
    LS_RUN(test_derivatives);
    LS_RUN(test_invariance);
    LS_RUN(test_length_vs_elements);
    LS_RUN(test_bad_params);
    LS_RUN(test_neighbors);
    return ls_test_summary("test_descriptor");
}
