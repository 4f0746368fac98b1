/* Chebyshev radial basis with Cartesian angular moments: a systematically improvable
 * three-body descriptor in the spirit of ACE / moment-tensor potentials.
 *
 *   R_n(r)      = T_n(2 r / r_c - 1) f_c(r)                 (Chebyshev polynomial times cutoff)
 *   two-body:   G2[e,n]     = sum_{j in e} R_n(r_j)                          n < n_radial
 *   moments:    M[e,n,a]    = sum_{j in e} R_n(r_j) u_j^a,  u = d / r,  a = (a1,a2,a3)
 *   three-body: G3[l,c,c']  = sum_{|a| = l} l!/(a1! a2! a3!) M[c,a] M[c',a]
 *                           = sum_{j in c, k in c'} R_c(r_j) R_c'(r_k) (u_j . u_k)^l
 * for channels c = (e,n), c <= c', n < n_angular, 1 <= l <= l_max.  The last line (the
 * multinomial theorem) shows the invariance and that the cost is linear in neighbours.
 * Powers (u_j . u_k)^l, l <= l_max, span the Legendre polynomials up to l_max, so the set
 * equals the three-body power spectrum / ACE B2 basis, with the radial (n_radial,
 * n_angular) and angular (l_max) resolutions raised independently.
 * References: Drautz, Phys. Rev. B 99, 014104 (2019), doi:10.1103/PhysRevB.99.014104;
 * Shapeev, Multiscale Model. Simul. 14, 1153 (2016), doi:10.1137/15M1054183;
 * Artrith, Urban, Ceder, Phys. Rev. B 96, 014112 (2017), doi:10.1103/PhysRevB.96.014112.
 *
 * Derivatives: d(R u^a)/dd = R' u^a u + R (grad_u u^a - l u^a u) / r, since u^a is
 * homogeneous of degree l (u . grad_u u^a = l u^a) and du/dd = (1 - u u^T) / r.
 *
 * Chemical channels.  The angular channels are c = (k, n): the moments are weighted by the
 * neighbour's element, M[k,n,a] = sum_j w_k(e_j) R_n(r_j) u_j^a.  With chem = element,
 * w_k(e) = delta_ke and k runs over the elements (the format-1 descriptor, n_elem^2 growth of
 * the three-body part).  With chem = chebyshev, w_k(e) = T_k(xi_e), k < K = min(n_chem,
 * n_elem), where xi_e = -1 + 2 e / (n_elem - 1) is the element's place in the model's list
 * (sorted by Z) mapped to [-1, 1]: the species weighting of Artrith, Urban and Ceder (Phys.
 * Rev. B 96, 014112 (2017)) and the element-weighted ACSF of Gastegger et al. (J. Chem. Phys.
 * 148, 241709 (2018), doi:10.1063/1.5019667), with K channels instead of one.  The two-body
 * part stays resolved per element (n_elem n_radial: linear), the three- and four-body parts
 * have a length independent of n_elem.  For K = n_elem the Chebyshev weights are an invertible
 * transform of the one-hot ones, so nothing is lost; for K < n_elem the channels compress.
 *
 * Body order.  n_radial4 > 0 adds the four-body invariants of desc_body4.c (triple products
 * of l-projected densities, l <= l_max4) of the first n_radial4 radial functions of chemical
 * channel 0 (w_0 = 1: all neighbours alike; with chem = element only for one element).
 */
#include <math.h>
#include <stdlib.h>

#include "common/err.h"
#include "surrogate/desc_body4.h"
#include "surrogate/descriptor.h"

#define MOMENT_LMAX 8
#define MOMENT_NMAX 32

struct moment_priv {
    int n_mono;              /* monomials with 1 <= |a| <= l_max */
    int (*pw)[3];            /* [n_mono] exponents */
    int *l_of;               /* [n_mono] */
    double *w;               /* [n_mono] multinomial weight */
    int l_start[MOMENT_LMAX + 2]; /* monomials of order l: l_start[l] .. l_start[l+1]-1 */
    int n_chem;              /* chemical channels K */
    double *wchem;           /* [n_elem][K] weights w_k(e) */
    int n_ch;                /* angular channels K * n_angular */
    int n_pair;              /* n_ch (n_ch + 1) / 2 */
    int (*pair)[2];          /* [n_pair] channels c <= c' */
    int n_two;               /* n_elem * n_radial */
    int n_rad;               /* max(n_radial, n_angular) */
    int n_ch4;               /* four-body channels (0: none) */
    struct nnp_body4 b4;
};

static void moment_free(nnp_descriptor *desc)
{
    struct moment_priv *p = desc->priv;
    if (p == NULL) return;
    free(p->pw);
    free(p->l_of);
    free(p->w);
    free(p->pair);
    free(p->wchem);
    nnp_body4_free(&p->b4);
    free(p);
    desc->priv = NULL;
}

static double factorial(int n)
{
    double f = 1.0;
    for (int i = 2; i <= n; i++) f *= i;
    return f;
}

static int moment_init(nnp_descriptor *desc)
{
    const struct nnp_descriptor_params *q = &desc->p;
    if (q->n_radial < 1 || q->n_radial > MOMENT_NMAX || q->n_angular < 0 || q->n_angular > MOMENT_NMAX)
        LS_ERROR(LS_ERR_INPUT, "moment descriptor: n_radial must be 1-%d and n_angular 0-%d (got %d, %d)",
                 MOMENT_NMAX, MOMENT_NMAX, q->n_radial, q->n_angular);
    if (q->l_max < 0 || q->l_max > MOMENT_LMAX)
        LS_ERROR(LS_ERR_INPUT, "moment descriptor: l_max must be 0-%d (got %d)", MOMENT_LMAX, q->l_max);
    struct moment_priv *p = calloc(1, sizeof *p);
    if (p == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    desc->priv = p;
    int L = q->n_angular > 0 ? q->l_max : 0;
    int K = desc->n_elem;
    if (q->chem == NNP_CHEM_CHEBYSHEV) {
        if (q->n_chem < 1) LS_ERROR(LS_ERR_INPUT, "moment descriptor: n_chem must be at least 1 (got %d)", q->n_chem);
        K = q->n_chem < desc->n_elem ? q->n_chem : desc->n_elem;
    } else if (q->chem != NNP_CHEM_ELEMENT) {
        LS_ERROR(LS_ERR_INPUT, "moment descriptor: unknown chemical channels %d", (int)q->chem);
    }
    p->n_chem = K;
    p->wchem = malloc((size_t)desc->n_elem * (size_t)K * sizeof *p->wchem);
    if (p->wchem == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    for (int e = 0; e < desc->n_elem; e++) {
        double xi = desc->n_elem > 1 ? -1.0 + 2.0 * e / (desc->n_elem - 1) : 0.0, t0 = 1.0, t1 = xi;
        for (int k = 0; k < K; k++) {
            double t = k == 0 ? t0 : k == 1 ? t1 : 2.0 * xi * t1 - t0;
            if (k >= 2) {
                t0 = t1;
                t1 = t;
            }
            p->wchem[e * K + k] = q->chem == NNP_CHEM_ELEMENT ? (double)(k == e) : t;
        }
    }
    int n_mono = 0;
    for (int l = 1; l <= L; l++) n_mono += (l + 1) * (l + 2) / 2;
    p->n_mono = n_mono;
    p->pw = malloc((size_t)(n_mono + 1) * sizeof *p->pw);
    p->l_of = malloc((size_t)(n_mono + 1) * sizeof *p->l_of);
    p->w = malloc((size_t)(n_mono + 1) * sizeof *p->w);
    p->n_ch = K * q->n_angular;
    p->n_pair = p->n_ch * (p->n_ch + 1) / 2;
    p->pair = malloc((size_t)(p->n_pair + 1) * sizeof *p->pair);
    if (!p->pw || !p->l_of || !p->w || !p->pair) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    int m = 0;
    for (int l = 1; l <= L; l++) {
        p->l_start[l] = m;
        for (int a = l; a >= 0; a--)
            for (int b = l - a; b >= 0; b--) {
                int c = l - a - b;
                p->pw[m][0] = a;
                p->pw[m][1] = b;
                p->pw[m][2] = c;
                p->l_of[m] = l;
                p->w[m] = factorial(l) / (factorial(a) * factorial(b) * factorial(c));
                m++;
            }
    }
    p->l_start[L + 1] = m;
    int k = 0;
    for (int c = 0; c < p->n_ch; c++)
        for (int c2 = c; c2 < p->n_ch; c2++) {
            p->pair[k][0] = c;
            p->pair[k][1] = c2;
            k++;
        }
    p->n_two = desc->n_elem * q->n_radial;
    p->n_rad = q->n_radial > q->n_angular ? q->n_radial : q->n_angular;
    desc->n_feat = p->n_two + L * p->n_pair;
    desc->n_state = p->n_ch * p->n_mono;
    if (q->n_radial4 > 0) {
        if (q->n_radial4 > q->n_angular || q->l_max4 < 1 || q->l_max4 > L)
            LS_ERROR(LS_ERR_INPUT, "moment descriptor: the four-body part needs n_radial4 <= n_angular and "
                     "1 <= l_max4 <= l_max (got n_radial4 %d, n_angular %d, l_max4 %d, l_max %d)", q->n_radial4,
                     q->n_angular, q->l_max4, L);
        if (q->chem == NNP_CHEM_ELEMENT && desc->n_elem > 1)
            LS_ERROR(LS_ERR_INPUT, "moment descriptor: four-body invariants with several elements need chebyshev "
                     "chemical channels (chem chebyshev)");
        p->n_ch4 = q->n_radial4;
        LS_TRY(nnp_body4_init(&p->b4, p->n_ch4, q->l_max4, p->n_mono, (const int(*)[3])p->pw, p->l_of));
        desc->n_feat += p->b4.n_trip;
        desc->n_state += p->n_ch4; /* M0 of the four-body channels after the moments */
    } else if (q->n_radial4 < 0) {
        LS_ERROR(LS_ERR_INPUT, "moment descriptor: n_radial4 must be 0 or more (got %d)", q->n_radial4);
    }
    return LS_OK;
}

static long moment_n_scratch(const nnp_descriptor *desc, int n_neigh)
{
    const struct moment_priv *p = desc->priv;
    (void)n_neigh;
    long n = (long)p->n_ch * p->n_mono + 2L * p->n_rad + 6L * (p->n_mono + 1) + 3L * (MOMENT_LMAX + 1);
    if (p->n_ch4 > 0) n += p->n_ch4 + nnp_body4_n_scratch(&p->b4);
    return n;
}

/* R_n(r) and dR_n/dr for n < n_rad. */
static void radial(double r, double r_cut, int n_rad, double *R, double *dR)
{
    double fc, dfc;
    nnp_cutoff(r, r_cut, &fc, &dfc);
    double x = 2.0 * r / r_cut - 1.0, dx = 2.0 / r_cut;
    double t0 = 1.0, t1 = x, d0 = 0.0, d1 = 1.0; /* T_n and dT_n/dx */
    for (int n = 0; n < n_rad; n++) {
        double t, dt;
        if (n == 0) {
            t = t0;
            dt = d0;
        } else if (n == 1) {
            t = t1;
            dt = d1;
        } else {
            t = 2.0 * x * t1 - t0;
            dt = 2.0 * t1 + 2.0 * x * d1 - d0;
            t0 = t1;
            t1 = t;
            d0 = d1;
            d1 = dt;
        }
        R[n] = t * fc;
        dR[n] = dt * dx * fc + t * dfc;
    }
}

/* Monomials u^a and their gradients with respect to u. */
static void monomials(const struct moment_priv *p, int L, const double u[3], double *pows, double *mono,
                      double (*grad)[3])
{
    double *px = pows, *py = pows + (MOMENT_LMAX + 1), *pz = pows + 2 * (MOMENT_LMAX + 1);
    px[0] = py[0] = pz[0] = 1.0;
    for (int l = 1; l <= L; l++) {
        px[l] = px[l - 1] * u[0];
        py[l] = py[l - 1] * u[1];
        pz[l] = pz[l - 1] * u[2];
    }
    for (int m = 0; m < p->n_mono; m++) {
        int a = p->pw[m][0], b = p->pw[m][1], c = p->pw[m][2];
        mono[m] = px[a] * py[b] * pz[c];
        grad[m][0] = a > 0 ? a * px[a - 1] * py[b] * pz[c] : 0.0;
        grad[m][1] = b > 0 ? b * px[a] * py[b - 1] * pz[c] : 0.0;
        grad[m][2] = c > 0 ? c * px[a] * py[b] * pz[c - 1] : 0.0;
    }
}

/* Scratch layout shared by compute, vjp and jvp. */
struct moment_scratch {
    double *buf; /* n_ch * n_mono: Mbar or Mdot */
    double *R, *dR, *mono, (*grad)[3], *P, *Q, *pows;
    double *buf0, *b4; /* n_ch4: M0bar or M0dot; the four-body scratch */
};

static struct moment_scratch split_scratch(const struct moment_priv *p, double *s)
{
    struct moment_scratch w;
    w.buf = s;
    s += (long)p->n_ch * p->n_mono;
    w.R = s;
    s += p->n_rad;
    w.dR = s;
    s += p->n_rad;
    w.mono = s;
    s += p->n_mono + 1;
    w.grad = (double(*)[3])s;
    s += 3 * (p->n_mono + 1);
    w.P = s;
    s += p->n_mono + 1;
    w.Q = s;
    s += p->n_mono + 1;
    w.pows = s;
    s += 3 * (MOMENT_LMAX + 1);
    w.buf0 = s;
    s += p->n_ch4;
    w.b4 = s;
    return w;
}

static void moment_compute(const nnp_descriptor *desc, const struct nnp_env *env, double *G, double *M,
                           double *scratch)
{
    const struct moment_priv *p = desc->priv;
    const int N2 = desc->p.n_radial, N3 = desc->p.n_angular, nm = p->n_mono, K = p->n_chem, N4 = p->n_ch4;
    const int L = N3 > 0 ? desc->p.l_max : 0;
    struct moment_scratch w = split_scratch(p, scratch);
    double *M0 = M + (long)p->n_ch * nm;
    for (int f = 0; f < desc->n_feat; f++) G[f] = 0.0;
    for (int i = 0; i < desc->n_state; i++) M[i] = 0.0;
    for (int j = 0; j < env->n_neigh; j++) {
        double r = env->r[j];
        if (r >= desc->p.r_cut) continue;
        int e = env->elem[j];
        const double *we = p->wchem + (long)e * K;
        radial(r, desc->p.r_cut, p->n_rad, w.R, w.dR);
        for (int n = 0; n < N2; n++) G[e * N2 + n] += w.R[n];
        for (int n = 0; n < N4; n++) M0[n] += we[0] * w.R[n];
        if (nm == 0) continue;
        double u[3] = {env->d[j][0] / r, env->d[j][1] / r, env->d[j][2] / r};
        monomials(p, L, u, w.pows, w.mono, w.grad);
        for (int k = 0; k < K; k++) {
            if (we[k] == 0.0) continue;
            for (int n = 0; n < N3; n++) {
                double *Mc = M + (long)(k * N3 + n) * nm;
                double Rn = we[k] * w.R[n];
                for (int m = 0; m < nm; m++) Mc[m] += Rn * w.mono[m];
            }
        }
    }
    double *G3 = G + p->n_two;
    for (int l = 1; l <= L; l++) {
        int m0 = p->l_start[l], m1 = p->l_start[l + 1];
        for (int k = 0; k < p->n_pair; k++) {
            const double *Ma = M + (long)p->pair[k][0] * nm, *Mb = M + (long)p->pair[k][1] * nm;
            double s = 0.0;
            for (int m = m0; m < m1; m++) s += p->w[m] * Ma[m] * Mb[m];
            G3[(long)(l - 1) * p->n_pair + k] = s;
        }
    }
    if (N4 > 0) nnp_body4_compute(&p->b4, M, M0, G3 + (long)L * p->n_pair, w.b4);
}

static void moment_vjp(const nnp_descriptor *desc, const struct nnp_env *env, const double *gbar,
                       const double *M, double *scratch, double (*dE_dd)[3])
{
    const struct moment_priv *p = desc->priv;
    const int N2 = desc->p.n_radial, N3 = desc->p.n_angular, nm = p->n_mono, K = p->n_chem, N4 = p->n_ch4;
    const int L = N3 > 0 ? desc->p.l_max : 0;
    struct moment_scratch w = split_scratch(p, scratch);
    const double *M0 = M + (long)p->n_ch * nm;
    double *Mbar = w.buf, *M0bar = w.buf0;
    for (long i = 0; i < (long)p->n_ch * nm; i++) Mbar[i] = 0.0;
    for (int n = 0; n < N4; n++) M0bar[n] = 0.0;
    const double *g3 = gbar + p->n_two;
    for (int l = 1; l <= L; l++) {
        int m0 = p->l_start[l], m1 = p->l_start[l + 1];
        for (int k = 0; k < p->n_pair; k++) {
            double g = g3[(long)(l - 1) * p->n_pair + k];
            if (g == 0.0) continue;
            int a = p->pair[k][0], b = p->pair[k][1];
            for (int m = m0; m < m1; m++) {
                Mbar[(long)a * nm + m] += g * p->w[m] * M[(long)b * nm + m];
                Mbar[(long)b * nm + m] += g * p->w[m] * M[(long)a * nm + m];
            }
        }
    }
    if (N4 > 0) nnp_body4_vjp(&p->b4, M, M0, g3 + (long)L * p->n_pair, Mbar, M0bar, w.b4);
    for (int j = 0; j < env->n_neigh; j++) {
        double r = env->r[j];
        dE_dd[j][0] = dE_dd[j][1] = dE_dd[j][2] = 0.0;
        if (r >= desc->p.r_cut) continue;
        int e = env->elem[j];
        const double *we = p->wchem + (long)e * K;
        double u[3] = {env->d[j][0] / r, env->d[j][1] / r, env->d[j][2] / r};
        radial(r, desc->p.r_cut, p->n_rad, w.R, w.dR);
        double radial_part = 0.0; /* dE/dr along u */
        for (int n = 0; n < N2; n++) radial_part += gbar[e * N2 + n] * w.dR[n];
        for (int n = 0; n < N4; n++) radial_part += we[0] * M0bar[n] * w.dR[n];
        double tang[3] = {0.0, 0.0, 0.0};
        if (nm > 0) {
            monomials(p, L, u, w.pows, w.mono, w.grad);
            for (int m = 0; m < nm; m++) w.P[m] = w.Q[m] = 0.0;
            for (int k = 0; k < K; k++) {
                if (we[k] == 0.0) continue;
                for (int n = 0; n < N3; n++) {
                    const double *Mb = Mbar + (long)(k * N3 + n) * nm;
                    double Rn = we[k] * w.R[n], dRn = we[k] * w.dR[n];
                    for (int m = 0; m < nm; m++) {
                        w.P[m] += Rn * Mb[m];
                        w.Q[m] += dRn * Mb[m];
                    }
                }
            }
            double lsum = 0.0;
            for (int m = 0; m < nm; m++) {
                radial_part += w.Q[m] * w.mono[m];
                lsum += w.P[m] * p->l_of[m] * w.mono[m];
                tang[0] += w.P[m] * w.grad[m][0];
                tang[1] += w.P[m] * w.grad[m][1];
                tang[2] += w.P[m] * w.grad[m][2];
            }
            for (int c = 0; c < 3; c++) tang[c] = (tang[c] - lsum * u[c]) / r;
        }
        for (int c = 0; c < 3; c++) dE_dd[j][c] = radial_part * u[c] + tang[c];
    }
}

static void moment_jvp(const nnp_descriptor *desc, const struct nnp_env *env, const double (*t)[3],
                       const double *M, double *scratch, double *Gdot)
{
    const struct moment_priv *p = desc->priv;
    const int N2 = desc->p.n_radial, N3 = desc->p.n_angular, nm = p->n_mono, K = p->n_chem, N4 = p->n_ch4;
    const int L = N3 > 0 ? desc->p.l_max : 0;
    struct moment_scratch w = split_scratch(p, scratch);
    const double *M0 = M + (long)p->n_ch * nm;
    double *Mdot = w.buf, *M0dot = w.buf0;
    for (long i = 0; i < (long)p->n_ch * nm; i++) Mdot[i] = 0.0;
    for (int n = 0; n < N4; n++) M0dot[n] = 0.0;
    for (int f = 0; f < desc->n_feat; f++) Gdot[f] = 0.0;
    for (int j = 0; j < env->n_neigh; j++) {
        double r = env->r[j];
        if (r >= desc->p.r_cut) continue;
        int e = env->elem[j];
        const double *we = p->wchem + (long)e * K;
        double u[3] = {env->d[j][0] / r, env->d[j][1] / r, env->d[j][2] / r};
        double ut = u[0] * t[j][0] + u[1] * t[j][1] + u[2] * t[j][2];
        radial(r, desc->p.r_cut, p->n_rad, w.R, w.dR);
        for (int n = 0; n < N2; n++) Gdot[e * N2 + n] += w.dR[n] * ut;
        for (int n = 0; n < N4; n++) M0dot[n] += we[0] * w.dR[n] * ut;
        if (nm == 0) continue;
        monomials(p, L, u, w.pows, w.mono, w.grad);
        for (int m = 0; m < nm; m++) {
            double gt = w.grad[m][0] * t[j][0] + w.grad[m][1] * t[j][1] + w.grad[m][2] * t[j][2];
            w.P[m] = (gt - p->l_of[m] * w.mono[m] * ut) / r; /* d(u^a) along t */
            w.Q[m] = w.mono[m] * ut;
        }
        for (int k = 0; k < K; k++) {
            if (we[k] == 0.0) continue;
            for (int n = 0; n < N3; n++) {
                double *Md = Mdot + (long)(k * N3 + n) * nm;
                double Rn = we[k] * w.R[n], dRn = we[k] * w.dR[n];
                for (int m = 0; m < nm; m++) Md[m] += dRn * w.Q[m] + Rn * w.P[m];
            }
        }
    }
    double *G3 = Gdot + p->n_two;
    for (int l = 1; l <= L; l++) {
        int m0 = p->l_start[l], m1 = p->l_start[l + 1];
        for (int k = 0; k < p->n_pair; k++) {
            long a = (long)p->pair[k][0] * nm, b = (long)p->pair[k][1] * nm;
            double s = 0.0;
            for (int m = m0; m < m1; m++) s += p->w[m] * (Mdot[a + m] * M[b + m] + M[a + m] * Mdot[b + m]);
            G3[(long)(l - 1) * p->n_pair + k] = s;
        }
    }
    if (N4 > 0) nnp_body4_jvp(&p->b4, M, M0, Mdot, M0dot, G3 + (long)L * p->n_pair, w.b4);
}

const struct nnp_descriptor_type nnp_descriptor_moment = {
    .name = "moment",
    .summary = "Chebyshev radial basis with Cartesian angular moments (two-, three- and four-body)",
    .init = moment_init,
    .free_priv = moment_free,
    .n_scratch = moment_n_scratch,
    .compute = moment_compute,
    .vjp = moment_vjp,
    .jvp = moment_jvp,
};
