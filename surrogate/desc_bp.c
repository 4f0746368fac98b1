/* Behler-Parrinello atom-centred symmetry functions.
 *
 *   radial  G2[e,k]           = sum_{j in e} exp(-eta_k (r_j - rs_k)^2) f_c(r_j)
 *   angular G5[ee',m,z,lam]   = 2^(1-zeta_z) sum_{j<k, {e_j,e_k} = {e,e'}}
 *                               (1 + lam cos theta_jk)^zeta_z exp(-eta_m (r_j^2 + r_k^2)) f_c(r_j) f_c(r_k)
 * with lam = +1, -1 (the "wide" angular form without the r_jk term; n2p2's type 9).
 * References: Behler and Parrinello, Phys. Rev. Lett. 98, 146401 (2007),
 * doi:10.1103/PhysRevLett.98.146401; Behler, J. Chem. Phys. 134, 074106 (2011),
 * doi:10.1063/1.3553717.
 *
 * Automatic set (from r_c and the counts): n_radial shifted Gaussians with centres rs_k
 * evenly spaced on [r_c/4, r_c] (spacing D) and eta = 1/(2 D^2); n_angular centred
 * Gaussians of widths sigma_m = r_c (m+1) / (n_angular + 1), eta_m = 1/(2 sigma_m^2);
 * zeta = 1, 2, 4, ... (l_max values).
 * Cost is quadratic in the number of neighbours (triplets): the moment descriptor is the
 * linear-cost alternative.
 */
#include <math.h>
#include <stdlib.h>

#include "common/err.h"
#include "surrogate/descriptor.h"

#define BP_MAX 32

struct bp_priv {
    double rs[BP_MAX], eta2[BP_MAX]; /* radial */
    double eta3[BP_MAX], zeta[BP_MAX];
    int n_pair_elem;                 /* n_elem (n_elem + 1) / 2 */
    int n_ang_per_pair;              /* n_angular * n_zeta * 2 */
};

static void bp_free(nnp_descriptor *desc)
{
    free(desc->priv);
    desc->priv = NULL;
}

static int bp_init(nnp_descriptor *desc)
{
    const struct nnp_descriptor_params *q = &desc->p;
    if (q->n_radial < 1 || q->n_radial > BP_MAX || q->n_angular < 0 || q->n_angular > BP_MAX || q->l_max < 0 ||
        q->l_max > 8 || (q->n_angular > 0 && q->l_max < 1))
        LS_ERROR(LS_ERR_INPUT,
                 "bp descriptor: need 1 <= n_radial <= %d, 0 <= n_angular <= %d and 1 <= l_max (number of "
                 "zeta values) <= 8 (got %d, %d, %d)",
                 BP_MAX, BP_MAX, q->n_radial, q->n_angular, q->l_max);
    if (q->chem != NNP_CHEM_ELEMENT || q->n_radial4 != 0)
        LS_ERROR(LS_ERR_INPUT, "bp descriptor: only element channels and no four-body part (chem element, "
                 "n_radial4 0); use the moment descriptor for those");
    struct bp_priv *p = calloc(1, sizeof *p);
    if (p == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    desc->priv = p;
    double rc = q->r_cut, r0 = 0.25 * rc;
    double D = q->n_radial > 1 ? (rc - r0) / (q->n_radial - 1) : rc - r0;
    for (int k = 0; k < q->n_radial; k++) {
        p->rs[k] = q->n_radial > 1 ? r0 + k * D : 0.0;
        p->eta2[k] = q->n_radial > 1 ? 0.5 / (D * D) : 0.5 / (rc * rc);
    }
    for (int m = 0; m < q->n_angular; m++) {
        double sigma = rc * (m + 1) / (q->n_angular + 1);
        p->eta3[m] = 0.5 / (sigma * sigma);
    }
    int n_zeta = q->n_angular > 0 ? q->l_max : 0;
    for (int z = 0; z < n_zeta; z++) p->zeta[z] = (double)(1 << z);
    p->n_pair_elem = desc->n_elem * (desc->n_elem + 1) / 2;
    p->n_ang_per_pair = q->n_angular * n_zeta * 2;
    desc->n_feat = desc->n_elem * q->n_radial + p->n_pair_elem * p->n_ang_per_pair;
    desc->n_state = 0;
    return LS_OK;
}

static long bp_n_scratch(const nnp_descriptor *desc, int n_neigh)
{
    (void)n_neigh;
    return 6L * BP_MAX + 4L * desc->n_feat;
}

static int pair_index(int n_elem, int a, int b)
{
    if (a > b) {
        int t = a;
        a = b;
        b = t;
    }
    return a * n_elem - a * (a - 1) / 2 + (b - a);
}

/* Radial Gaussian times cutoff for every eta_m: B_m(r) and dB_m/dr. */
static void ang_radial(const struct bp_priv *p, int n_ang, double r, double rc, double *B, double *dB)
{
    double fc, dfc;
    nnp_cutoff(r, rc, &fc, &dfc);
    for (int m = 0; m < n_ang; m++) {
        double g = exp(-p->eta3[m] * r * r);
        B[m] = g * fc;
        dB[m] = g * (dfc - 2.0 * p->eta3[m] * r * fc);
    }
}

/* Walk every triplet (j<k) and call back with the feature offset, the feature values and
 * the coefficients of dT/dd_j = cju u_j + cjk u_k and dT/dd_k = ckk u_k + ckj u_j.
 * mode 0: values into out; mode 1: vjp (gbar -> dE_dd); mode 2: jvp (t -> out). */
static void bp_triplets(const nnp_descriptor *desc, const struct nnp_env *env, int mode, const double *gbar,
                        const double (*t)[3], double *out, double (*dE_dd)[3], double *scratch)
{
    const struct bp_priv *p = desc->priv;
    const int n_ang = desc->p.n_angular, n_zeta = n_ang > 0 ? desc->p.l_max : 0;
    const double rc = desc->p.r_cut;
    if (n_ang == 0) return;
    double *Bj = scratch, *dBj = scratch + BP_MAX, *Bk = scratch + 2 * BP_MAX, *dBk = scratch + 3 * BP_MAX;
    const int base = desc->n_elem * desc->p.n_radial;
    for (int j = 0; j < env->n_neigh; j++) {
        double rj = env->r[j];
        if (rj >= rc) continue;
        double uj[3] = {env->d[j][0] / rj, env->d[j][1] / rj, env->d[j][2] / rj};
        ang_radial(p, n_ang, rj, rc, Bj, dBj);
        for (int k = j + 1; k < env->n_neigh; k++) {
            double rk = env->r[k];
            if (rk >= rc) continue;
            double uk[3] = {env->d[k][0] / rk, env->d[k][1] / rk, env->d[k][2] / rk};
            ang_radial(p, n_ang, rk, rc, Bk, dBk);
            double cs = uj[0] * uk[0] + uj[1] * uk[1] + uj[2] * uk[2];
            int off = base + pair_index(desc->n_elem, env->elem[j], env->elem[k]) * p->n_ang_per_pair;
            double a_ju = 0.0, a_jk = 0.0, a_kk = 0.0, a_kj = 0.0; /* vjp sums */
            double tju = 0, tjk = 0, tkk = 0, tkj = 0;           /* jvp projections */
            if (mode == 2) {
                tju = uj[0] * t[j][0] + uj[1] * t[j][1] + uj[2] * t[j][2];
                tjk = uk[0] * t[j][0] + uk[1] * t[j][1] + uk[2] * t[j][2];
                tkk = uk[0] * t[k][0] + uk[1] * t[k][1] + uk[2] * t[k][2];
                tkj = uj[0] * t[k][0] + uj[1] * t[k][1] + uj[2] * t[k][2];
            }
            /* (1 + lam cos)^zeta for zeta = 2^z by repeated squaring, and its derivative */
            double Az[2][8], dAz[2][8];
            for (int s = 0; s < 2; s++) {
                double lam = s == 0 ? 1.0 : -1.0, base_a = 1.0 + lam * cs, pw = base_a, pm1 = 1.0;
                for (int z = 0; z < n_zeta; z++) {
                    if (z > 0) {
                        pm1 = pm1 * pw; /* base^(zeta-1) = base^(zeta/2 - 1) * base^(zeta/2) */
                        pw = pw * pw;
                    }
                    double zeta = p->zeta[z], pref = ldexp(1.0, 1 - (int)zeta); /* 2^(1-zeta) */
                    Az[s][z] = pref * pw;
                    dAz[s][z] = pref * zeta * pm1 * lam;
                }
            }
            int f = off;
            for (int m = 0; m < n_ang; m++) {
                double R = Bj[m] * Bk[m];
                for (int z = 0; z < n_zeta; z++) {
                    for (int s = 0; s < 2; s++, f++) {
                        double A = Az[s][z], dA = dAz[s][z];
                        if (mode == 0) {
                            out[f] += A * R;
                            continue;
                        }
                        /* dT/dd_j = dA B_j B_k (u_k - cs u_j)/r_j + A B'_j B_k u_j */
                        double cju = -dA * R * cs / rj + A * dBj[m] * Bk[m];
                        double cjk = dA * R / rj;
                        double ckk = -dA * R * cs / rk + A * Bj[m] * dBk[m];
                        double ckj = dA * R / rk;
                        if (mode == 1) {
                            double g = gbar[f];
                            a_ju += g * cju;
                            a_jk += g * cjk;
                            a_kk += g * ckk;
                            a_kj += g * ckj;
                        } else {
                            out[f] += cju * tju + cjk * tjk + ckk * tkk + ckj * tkj;
                        }
                    }
                }
            }
            if (mode == 1)
                for (int c = 0; c < 3; c++) {
                    dE_dd[j][c] += a_ju * uj[c] + a_jk * uk[c];
                    dE_dd[k][c] += a_kk * uk[c] + a_kj * uj[c];
                }
        }
    }
}

static void bp_compute(const nnp_descriptor *desc, const struct nnp_env *env, double *G, double *state,
                       double *scratch)
{
    const struct bp_priv *p = desc->priv;
    const int N2 = desc->p.n_radial;
    (void)state;
    for (int f = 0; f < desc->n_feat; f++) G[f] = 0.0;
    for (int j = 0; j < env->n_neigh; j++) {
        double r = env->r[j], fc, dfc;
        if (r >= desc->p.r_cut) continue;
        nnp_cutoff(r, desc->p.r_cut, &fc, &dfc);
        for (int k = 0; k < N2; k++) {
            double x = r - p->rs[k];
            G[env->elem[j] * N2 + k] += exp(-p->eta2[k] * x * x) * fc;
        }
    }
    bp_triplets(desc, env, 0, NULL, NULL, G, NULL, scratch);
}

static void bp_vjp(const nnp_descriptor *desc, const struct nnp_env *env, const double *gbar,
                   const double *state, double *scratch, double (*dE_dd)[3])
{
    const struct bp_priv *p = desc->priv;
    const int N2 = desc->p.n_radial;
    (void)state;
    for (int j = 0; j < env->n_neigh; j++) {
        double r = env->r[j], fc, dfc, s = 0.0;
        dE_dd[j][0] = dE_dd[j][1] = dE_dd[j][2] = 0.0;
        if (r >= desc->p.r_cut) continue;
        nnp_cutoff(r, desc->p.r_cut, &fc, &dfc);
        for (int k = 0; k < N2; k++) {
            double x = r - p->rs[k], g = exp(-p->eta2[k] * x * x);
            s += gbar[env->elem[j] * N2 + k] * g * (dfc - 2.0 * p->eta2[k] * x * fc);
        }
        for (int c = 0; c < 3; c++) dE_dd[j][c] = s * env->d[j][c] / r;
    }
    bp_triplets(desc, env, 1, gbar, NULL, NULL, dE_dd, scratch);
}

static void bp_jvp(const nnp_descriptor *desc, const struct nnp_env *env, const double (*t)[3],
                   const double *state, double *scratch, double *Gdot)
{
    const struct bp_priv *p = desc->priv;
    const int N2 = desc->p.n_radial;
    (void)state;
    for (int f = 0; f < desc->n_feat; f++) Gdot[f] = 0.0;
    for (int j = 0; j < env->n_neigh; j++) {
        double r = env->r[j], fc, dfc;
        if (r >= desc->p.r_cut) continue;
        nnp_cutoff(r, desc->p.r_cut, &fc, &dfc);
        double ut = (env->d[j][0] * t[j][0] + env->d[j][1] * t[j][1] + env->d[j][2] * t[j][2]) / r;
        for (int k = 0; k < N2; k++) {
            double x = r - p->rs[k], g = exp(-p->eta2[k] * x * x);
            Gdot[env->elem[j] * N2 + k] += g * (dfc - 2.0 * p->eta2[k] * x * fc) * ut;
        }
    }
    bp_triplets(desc, env, 2, NULL, t, Gdot, NULL, scratch);
}

const struct nnp_descriptor_type nnp_descriptor_bp = {
    .name = "bp",
    .summary = "Behler-Parrinello radial (G2) and angular (G5) symmetry functions",
    .init = bp_init,
    .free_priv = bp_free,
    .n_scratch = bp_n_scratch,
    .compute = bp_compute,
    .vjp = bp_vjp,
    .jvp = bp_jvp,
};
