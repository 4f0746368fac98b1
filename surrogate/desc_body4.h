/* Four-body invariants of the moment descriptor (internal to surrogate/; see desc_body4.c).
 *
 * Works on the Cartesian moments of n_ch channels: M[c * n_mono + m] (monomials m of orders
 * 1..l_max of desc_moment.c, exponents pw[m], order l_of[m]) and M0[c] (the order-0 moment),
 * and gives n_trip invariants B. */
#ifndef NNP_DESC_BODY4_H
#define NNP_DESC_BODY4_H

#define NNP_BODY4_LMAX 6

struct nnp_body4 {
    int n_ch, l_max, n_mono;
    int n_q;        /* quadrature points on the sphere */
    double *wq;     /* [n_q] weights, summing to 1 */
    double *phi;    /* [l_max][n_q][n_mono + 1]: rho_{c,l}(w_q) = sum_m phi M[c,m] + phi[n_mono] M0[c] */
    int n_trip;
    int (*trip)[3]; /* [n_trip] indices p = c * l_max + l - 1 of the three densities */
};

/* Set up for n_ch channels and orders 1..l_max (<= the moments' order); LS_ERR_INPUT, LS_ERR_NOMEM. */
int nnp_body4_init(struct nnp_body4 *b, int n_ch, int l_max, int n_mono, const int (*pw)[3], const int *l_of);
void nnp_body4_free(struct nnp_body4 *b);
/* Scratch doubles needed by the three functions below. */
long nnp_body4_n_scratch(const struct nnp_body4 *b);
/* B[n_trip] from the moments. */
void nnp_body4_compute(const struct nnp_body4 *b, const double *M, const double *M0, double *B, double *scratch);
/* Adds dE/dM and dE/dM0 (E = Bbar . B) to Mbar, M0bar. */
void nnp_body4_vjp(const struct nnp_body4 *b, const double *M, const double *M0, const double *Bbar, double *Mbar,
                   double *M0bar, double *scratch);
/* Bdot = dB/dM . Mdot + dB/dM0 . M0dot. */
void nnp_body4_jvp(const struct nnp_body4 *b, const double *M, const double *M0, const double *Mdot,
                   const double *M0dot, double *Bdot, double *scratch);

#endif
