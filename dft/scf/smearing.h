/* Occupation smearing for metals: a registry of smearing functions, the Fermi level that
 * gives the right electron count, occupations, and the entropy term.  Internal to dft/.
 *
 * With x = (mu - e) / sigma, a smearing defines the occupation f(x) (between 0 and 1 for
 * Fermi-Dirac and Gaussian; Methfessel-Paxton and Marzari-Vanderbilt may step outside),
 * its derivative delta(x) = df/dx, and the entropy-like function s(x) such that the
 * free energy is F = E - T S with  -T S = sigma * sum_k w_k sum_n s(x_nk)  (per spin
 * channel weight included by the caller).  Conventions for s follow the established codes:
 *   Fermi-Dirac         f = 1/(1+exp(-x)),  s = f ln f + (1-f) ln(1-f)   (so -TS = sigma sum s <= 0)
 *   Gaussian            f = erfc(-x)/2,     s = -exp(-x^2)/(2 sqrt(pi))
 *   Methfessel-Paxton 1 (M. Methfessel, A. T. Paxton, Phys. Rev. B 40, 3616 (1989))
 *   Marzari-Vanderbilt  cold smearing (N. Marzari et al., Phys. Rev. Lett. 82, 3296 (1999))
 * Each entry's s is the one whose derivative relation makes F variational: ds/dx = x delta(x)
 * ... (the helper documents and tests the exact relation used).
 */
#ifndef LS_DFT_SMEARING_H
#define LS_DFT_SMEARING_H

struct dft_smearing {
    const char *name; /* "fermi-dirac", "gaussian", "methfessel-paxton", "marzari-vanderbilt" */
    double (*occupation)(double x); /* f(x) */
    double (*delta)(double x);      /* df/dx */
    double (*entropy)(double x);    /* s(x), see above */
};

extern const struct dft_smearing dft_smearing_fermi_dirac;
extern const struct dft_smearing dft_smearing_gaussian;
extern const struct dft_smearing dft_smearing_methfessel_paxton;
extern const struct dft_smearing dft_smearing_marzari_vanderbilt;
/* NULL-terminated registry. */
extern const struct dft_smearing *const dft_smearing_registry[];

/* Look up by name or alias (QE's 'fd', 'f-d', 'gauss', 'gaussian', 'mp', 'm-p', 'mv', 'm-v',
 * 'cold', 'fermi-dirac', ...).  NULL if unknown. */
const struct dft_smearing *dft_smearing_find(const char *name);

/* Fermi level for eigenvalues eig[n_kpt * n_spin][n_band] (layout: index (is*n_kpt+ik)*n_band+ib),
 * k-point weights wk[n_kpt] summing to 1, spin degeneracy `max_occ` per state (2 without spin,
 * 1 with), and n_electrons.  sigma in Ha.  Bisection to |N(mu) - n_electrons| < 1e-13.
 * Outputs: mu (Ha); occ[same layout] (occupation of the state, between 0 and max_occ times
 * f); and -TS (Ha) = sigma * max_occ * sum_k wk sum s(x).  For sigma == NULL smearing
 * (fixed occupations) use dft_occupations_fixed. */
int dft_smearing_occupy(const struct dft_smearing *sm, double sigma, int n_kpt, int n_spin,
                        int n_band, const double *eig, const double *wk, double max_occ,
                        double n_electrons, double *mu, double *occ, double *minus_ts);

/* Fixed occupations (insulators): the lowest n_electrons/max_occ bands full in each
 * k-point (and spin channel, n_up/n_down for spin).  Returns LS_ERR_INPUT for a
 * fractional count with a message suggesting smearing or spin.  homo/lumo in Ha
 * (lumo = +inf if no empty band). */
int dft_occupations_fixed(int n_kpt, int n_spin, int n_band, const double *eig,
                          const double *n_electrons_per_spin, double max_occ, double *occ,
                          double *homo, double *lumo);

#endif
