/* Four-body invariants of the moment descriptor: triple products of l-projected
 * neighbour densities (internal to surrogate/; used by desc_moment.c).
 *
 *   rho_{c,l}(w) = sum_j R_c(r_j) P_l(u_j . w)                      (w on the unit sphere)
 *   B4[(c1,l1),(c2,l2),(c3,l3)] = (1/4pi) int dw rho_{c1,l1} rho_{c2,l2} rho_{c3,l3}
 * Each rho_{c,l} is a combination of the degree-l spherical harmonics of w (addition
 * theorem), so B4 is the Gaunt-coupled triple product sum_m G(l1m1 l2m2 l3m3) A_c1l1m1
 * A_c2l2m2 A_c3l3m3 of the atomic base A_clm = sum_j R_c Y_lm(u_j): the four-body (B3)
 * invariants of the atomic cluster expansion (Drautz, Phys. Rev. B 99, 014104 (2019),
 * doi:10.1103/PhysRevB.99.014104), the bispectrum of SNAP/SOAP in real-space form
 * (Bartók, Kondor, Csányi, Phys. Rev. B 87, 184115 (2013), doi:10.1103/PhysRevB.87.184115).
 * Non-zero only for l1 + l2 + l3 even and |l1 - l2| <= l3 <= l1 + l2; those are the ones kept.
 *
 * The integral is evaluated exactly by a product rule (Gauss-Legendre in cos(theta), GSL;
 * equally spaced phi) of degree >= 3 l_max4.  Through the expansion
 *   P_l(u . w) = sum_k p_lk (u . w)^k = sum_k p_lk sum_{|a|=k} k!/(a1!a2!a3!) w^a u^a
 * rho is linear in the Cartesian moments M[c,a] = sum_j R_c u_j^a that desc_moment.c
 * accumulates (and M0[c] = sum_j R_c for the constant term), so the derivatives go through
 * those moments: no extra pass over neighbours.
 */
#include "surrogate/desc_body4.h"

#include <gsl/gsl_integration.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"

void nnp_body4_free(struct nnp_body4 *b)
{
    if (b == NULL) return;
    free(b->phi);
    free(b->wq);
    free(b->trip);
    memset(b, 0, sizeof *b);
}

static double factorial(int n)
{
    double f = 1.0;
    for (int i = 2; i <= n; i++) f *= i;
    return f;
}

/* Coefficients of the Legendre polynomials: P_l(x) = sum_k coef[l][k] x^k. */
static void legendre_coefficients(int L, double coef[][NNP_BODY4_LMAX + 1])
{
    memset(coef, 0, (size_t)(L + 1) * sizeof coef[0]);
    coef[0][0] = 1.0;
    if (L >= 1) coef[1][1] = 1.0;
    for (int n = 1; n < L; n++) /* (n+1) P_{n+1} = (2n+1) x P_n - n P_{n-1} */
        for (int k = 0; k <= n + 1; k++)
            coef[n + 1][k] = ((k > 0 ? (2 * n + 1) * coef[n][k - 1] : 0.0) - n * coef[n - 1][k]) / (n + 1);
}

int nnp_body4_init(struct nnp_body4 *b, int n_ch, int l_max, int n_mono, const int (*pw)[3], const int *l_of)
{
    memset(b, 0, sizeof *b);
    if (n_ch < 1 || l_max < 1 || l_max > NNP_BODY4_LMAX)
        LS_ERROR(LS_ERR_INPUT, "four-body invariants: need at least one radial function and 1 <= l_max4 <= %d "
                 "(got %d functions, l_max4 %d)", NNP_BODY4_LMAX, n_ch, l_max);
    b->n_ch = n_ch;
    b->l_max = l_max;
    b->n_mono = n_mono;
    /* Quadrature exact for polynomials of degree 3 l_max on the sphere. */
    int deg = 3 * l_max, n_gl = deg / 2 + 1, n_phi = deg + 1;
    b->n_q = n_gl * n_phi;
    b->phi = calloc((size_t)l_max * (size_t)b->n_q * (size_t)(n_mono + 1), sizeof *b->phi);
    b->wq = malloc((size_t)b->n_q * sizeof *b->wq);
    if (!b->phi || !b->wq) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    gsl_integration_glfixed_table *gl = gsl_integration_glfixed_table_alloc((size_t)n_gl);
    if (gl == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory for the Gauss-Legendre table");
    double coef[NNP_BODY4_LMAX + 1][NNP_BODY4_LMAX + 1];
    legendre_coefficients(l_max, coef);
    int q = 0;
    for (int i = 0; i < n_gl; i++) {
        double z, wz;
        gsl_integration_glfixed_point(-1.0, 1.0, (size_t)i, &z, &wz, gl);
        double st = sqrt(fmax(0.0, 1.0 - z * z));
        for (int k = 0; k < n_phi; k++, q++) {
            double ph = 2.0 * M_PI * k / n_phi, w[3] = {st * cos(ph), st * sin(ph), z};
            b->wq[q] = wz / (2.0 * n_phi); /* sums to 1: (1/4pi) int dw */
            for (int l = 1; l <= l_max; l++) {
                double *row = b->phi + ((long)(l - 1) * b->n_q + q) * (n_mono + 1);
                row[n_mono] = coef[l][0]; /* the constant term multiplies M0 */
                for (int m = 0; m < n_mono; m++) {
                    int lm = l_of[m];
                    if (lm > l || (l - lm) % 2) continue;
                    double wa = pow(w[0], pw[m][0]) * pow(w[1], pw[m][1]) * pow(w[2], pw[m][2]);
                    row[m] = coef[l][lm] * factorial(lm) /
                             (factorial(pw[m][0]) * factorial(pw[m][1]) * factorial(pw[m][2])) * wa;
                }
            }
        }
    }
    gsl_integration_glfixed_table_free(gl);
    /* Triples of (channel, l) pairs p1 <= p2 <= p3 with a non-zero coupling. */
    int n_p = n_ch * l_max, cap = 64;
    b->trip = malloc((size_t)cap * sizeof *b->trip);
    if (b->trip == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    for (int p1 = 0; p1 < n_p; p1++)
        for (int p2 = p1; p2 < n_p; p2++)
            for (int p3 = p2; p3 < n_p; p3++) {
                int l1 = p1 % l_max + 1, l2 = p2 % l_max + 1, l3 = p3 % l_max + 1;
                if ((l1 + l2 + l3) % 2 || l3 > l1 + l2 || l2 > l1 + l3 || l1 > l2 + l3) continue;
                if (b->n_trip == cap) {
                    cap *= 2;
                    int(*nt)[3] = realloc(b->trip, (size_t)cap * sizeof *nt);
                    if (nt == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
                    b->trip = nt;
                }
                b->trip[b->n_trip][0] = p1;
                b->trip[b->n_trip][1] = p2;
                b->trip[b->n_trip][2] = p3;
                b->n_trip++;
            }
    return LS_OK;
}

long nnp_body4_n_scratch(const struct nnp_body4 *b) { return 2L * b->n_ch * b->l_max * b->n_q; }

/* rho[p][q] for p = c * l_max + l - 1 from the moments of channel c (M: n_mono per channel). */
static void densities(const struct nnp_body4 *b, const double *M, const double *M0, double *rho)
{
    const int nm = b->n_mono;
    for (int c = 0; c < b->n_ch; c++)
        for (int l = 1; l <= b->l_max; l++) {
            double *r = rho + ((long)c * b->l_max + l - 1) * b->n_q;
            const double *Mc = M + (long)c * nm;
            for (int q = 0; q < b->n_q; q++) {
                const double *row = b->phi + ((long)(l - 1) * b->n_q + q) * (nm + 1);
                double s = row[nm] * M0[c];
                for (int m = 0; m < nm; m++) s += row[m] * Mc[m];
                r[q] = s;
            }
        }
}

void nnp_body4_compute(const struct nnp_body4 *b, const double *M, const double *M0, double *B, double *scratch)
{
    double *rho = scratch;
    densities(b, M, M0, rho);
    for (int t = 0; t < b->n_trip; t++) {
        const double *r1 = rho + (long)b->trip[t][0] * b->n_q, *r2 = rho + (long)b->trip[t][1] * b->n_q,
                     *r3 = rho + (long)b->trip[t][2] * b->n_q;
        double s = 0.0;
        for (int q = 0; q < b->n_q; q++) s += b->wq[q] * r1[q] * r2[q] * r3[q];
        B[t] = s;
    }
}

void nnp_body4_vjp(const struct nnp_body4 *b, const double *M, const double *M0, const double *Bbar, double *Mbar,
                   double *M0bar, double *scratch)
{
    const int nm = b->n_mono, nq = b->n_q;
    double *rho = scratch, *rbar = scratch + (long)b->n_ch * b->l_max * nq;
    densities(b, M, M0, rho);
    memset(rbar, 0, (size_t)b->n_ch * b->l_max * nq * sizeof *rbar);
    for (int t = 0; t < b->n_trip; t++) {
        double g = Bbar[t];
        if (g == 0.0) continue;
        long o1 = (long)b->trip[t][0] * nq, o2 = (long)b->trip[t][1] * nq, o3 = (long)b->trip[t][2] * nq;
        for (int q = 0; q < nq; q++) {
            double gw = g * b->wq[q];
            rbar[o1 + q] += gw * rho[o2 + q] * rho[o3 + q];
            rbar[o2 + q] += gw * rho[o1 + q] * rho[o3 + q];
            rbar[o3 + q] += gw * rho[o1 + q] * rho[o2 + q];
        }
    }
    for (int c = 0; c < b->n_ch; c++)
        for (int l = 1; l <= b->l_max; l++) {
            const double *rb = rbar + ((long)c * b->l_max + l - 1) * nq;
            double *Mb = Mbar + (long)c * nm;
            for (int q = 0; q < nq; q++) {
                if (rb[q] == 0.0) continue;
                const double *row = b->phi + ((long)(l - 1) * nq + q) * (nm + 1);
                M0bar[c] += row[nm] * rb[q];
                for (int m = 0; m < nm; m++) Mb[m] += row[m] * rb[q];
            }
        }
}

void nnp_body4_jvp(const struct nnp_body4 *b, const double *M, const double *M0, const double *Mdot,
                   const double *M0dot, double *Bdot, double *scratch)
{
    const int nq = b->n_q;
    double *rho = scratch, *rdot = scratch + (long)b->n_ch * b->l_max * nq;
    densities(b, M, M0, rho);
    densities(b, Mdot, M0dot, rdot);
    for (int t = 0; t < b->n_trip; t++) {
        long o1 = (long)b->trip[t][0] * nq, o2 = (long)b->trip[t][1] * nq, o3 = (long)b->trip[t][2] * nq;
        double s = 0.0;
        for (int q = 0; q < nq; q++)
            s += b->wq[q] * (rdot[o1 + q] * rho[o2 + q] * rho[o3 + q] + rho[o1 + q] * rdot[o2 + q] * rho[o3 + q] +
                             rho[o1 + q] * rho[o2 + q] * rdot[o3 + q]);
        Bdot[t] = s;
    }
}
