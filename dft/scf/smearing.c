/* Smearing functions, the Fermi level and occupations.  With x = (mu - e) / sigma:
 *
 *   Fermi-Dirac        f = 1 / (1 + e^{-x})             delta = 1 / (2 + e^x + e^{-x})
 *                      s = f ln f + (1 - f) ln(1 - f)
 *   Gaussian           f = erfc(-x) / 2                  delta = e^{-x^2} / sqrt(pi)
 *                      s = -e^{-x^2} / (2 sqrt(pi))
 *   Methfessel-Paxton  f = erfc(-x)/2 + x e^{-x^2} / (2 sqrt(pi))
 *   (order 1)          delta = e^{-x^2} (3/2 - x^2) / sqrt(pi)
 *                      s = e^{-x^2} (2 x^2 - 1) / (4 sqrt(pi))
 *   Marzari-Vanderbilt with u = x - 1/sqrt(2):
 *   (cold)             f = erf(u)/2 + e^{-u^2} / sqrt(2 pi) + 1/2
 *                      delta = e^{-u^2} (2 - sqrt(2) x) / sqrt(pi)
 *                      s = u e^{-u^2} / sqrt(2 pi)
 *
 * These are Quantum ESPRESSO's wgauss (f), w0gauss (delta) and w1gauss (s) for ngauss =
 * -99, 0, 1, -1 (Modules/wgauss.f90, w0gauss.f90, w1gauss.f90 of QE 6.7, read for the
 * conventions).  In every case s(x) = int_{-inf}^x y delta(y) dy, i.e. ds/dx = x delta(x):
 * this makes F = sum w f e + sigma sum w s stationary, dF/de_i = w_i f_i at fixed electron
 * count.  QE's "smearing contrib. (-TS)" (demet) is degauss * sum_k wk sum_n w1gauss(x) with
 * QE's wk summing to 2 without spin, i.e. our sigma * max_occ * sum_k w_k sum_n s(x).
 * Note the MV/MP "entropies" are not >= 0 and -TS may be positive.
 *
 * References: M. Methfessel, A. T. Paxton, Phys. Rev. B 40, 3616 (1989),
 * doi:10.1103/PhysRevB.40.3616; N. Marzari, D. Vanderbilt, A. De Vita, M. C. Payne,
 * Phys. Rev. Lett. 82, 3296 (1999), doi:10.1103/PhysRevLett.82.3296; N. D. Mermin,
 * Phys. Rev. 137, A1441 (1965), doi:10.1103/PhysRev.137.A1441 (Fermi-Dirac free energy).
 *
 * Fermi level: bisection, as QE's efermig (6.7): start from QE's bracket [lowest eigenvalue
 * - 2 sigma, highest + 2 sigma] (widened until it brackets, which matters for Fermi-Dirac),
 * keep N(lo) < N_el < N(hi) and halve until |N(mu) - N_el| < 1e-13 or the bracket cannot
 * shrink further.  For MP and MV, N(mu) is not monotonic (f overshoots 1, MP goes below 0)
 * and several roots can exist; the sign-change invariant guarantees that bisection still
 * finds one, and following QE's bracket and midpoints it finds the same one as QE.  N(mu)
 * is summed with compensation (Neumaier) so the count is exact to rounding.
 */
#include "dft/scf/smearing.h"

#include <ctype.h>
#include <math.h>
#include <string.h>

#include "common/err.h"

#define SQRT_PI 1.7724538509055160273
#define SQRT_2 1.4142135623730950488
#define SQRT_2PI 2.5066282746310005024

/* Fermi-Dirac, written to avoid overflow and cancellation for large |x|. */
static double fd_occ(double x)
{
    return x >= 0 ? 1.0 / (1.0 + exp(-x)) : exp(x) / (1.0 + exp(x));
}
static double fd_delta(double x)
{
    double t = exp(-fabs(x));
    return t / ((1.0 + t) * (1.0 + t));
}
static double fd_entropy(double x)
{
    /* s is even; for x >= 0 with t = e^{-x}: s = -ln(1 + t) - x t / (1 + t). */
    double ax = fabs(x), t = exp(-ax);
    return -log1p(t) - ax * t / (1.0 + t);
}

static double gauss_occ(double x) { return 0.5 * erfc(-x); }
static double gauss_delta(double x) { return exp(-x * x) / SQRT_PI; }
static double gauss_entropy(double x) { return -0.5 * exp(-x * x) / SQRT_PI; }

static double mp_occ(double x) { return 0.5 * erfc(-x) + 0.5 * x * exp(-x * x) / SQRT_PI; }
static double mp_delta(double x) { return exp(-x * x) * (1.5 - x * x) / SQRT_PI; }
static double mp_entropy(double x) { return 0.25 * exp(-x * x) * (2.0 * x * x - 1.0) / SQRT_PI; }

static double mv_occ(double x)
{
    double u = x - 1.0 / SQRT_2;
    /* erf(u)/2 + 1/2 = erfc(-u)/2 keeps precision for u << 0. */
    return 0.5 * erfc(-u) + exp(-u * u) / SQRT_2PI;
}
static double mv_delta(double x)
{
    double u = x - 1.0 / SQRT_2;
    return exp(-u * u) * (2.0 - SQRT_2 * x) / SQRT_PI;
}
static double mv_entropy(double x)
{
    double u = x - 1.0 / SQRT_2;
    return u * exp(-u * u) / SQRT_2PI;
}

const struct dft_smearing dft_smearing_fermi_dirac = {"fermi-dirac", fd_occ, fd_delta, fd_entropy};
const struct dft_smearing dft_smearing_gaussian = {"gaussian", gauss_occ, gauss_delta, gauss_entropy};
const struct dft_smearing dft_smearing_methfessel_paxton = {"methfessel-paxton", mp_occ, mp_delta, mp_entropy};
const struct dft_smearing dft_smearing_marzari_vanderbilt = {"marzari-vanderbilt", mv_occ, mv_delta, mv_entropy};

const struct dft_smearing *const dft_smearing_registry[] = {
    &dft_smearing_fermi_dirac, &dft_smearing_gaussian, &dft_smearing_methfessel_paxton,
    &dft_smearing_marzari_vanderbilt, NULL};

/* QE's accepted spellings (PW/src/input.f90: 'gaussian', 'gauss', 'methfessel-paxton',
 * 'm-p', 'mp', 'marzari-vanderbilt', 'cold', 'm-v', 'mv', 'fermi-dirac', 'f-d', 'fd'). */
static const struct {
    const char *alias;
    const struct dft_smearing *sm;
} smearing_aliases[] = {
    {"fermi-dirac", &dft_smearing_fermi_dirac},        {"f-d", &dft_smearing_fermi_dirac},
    {"fd", &dft_smearing_fermi_dirac},                 {"gaussian", &dft_smearing_gaussian},
    {"gauss", &dft_smearing_gaussian},                 {"methfessel-paxton", &dft_smearing_methfessel_paxton},
    {"m-p", &dft_smearing_methfessel_paxton},          {"mp", &dft_smearing_methfessel_paxton},
    {"marzari-vanderbilt", &dft_smearing_marzari_vanderbilt}, {"m-v", &dft_smearing_marzari_vanderbilt},
    {"mv", &dft_smearing_marzari_vanderbilt},          {"cold", &dft_smearing_marzari_vanderbilt},
};

const struct dft_smearing *dft_smearing_find(const char *name)
{
    if (!name) return NULL;
    for (size_t i = 0; i < sizeof smearing_aliases / sizeof smearing_aliases[0]; i++) {
        const char *a = smearing_aliases[i].alias, *b = name;
        while (*a && *b && *a == tolower((unsigned char)*b)) a++, b++;
        if (*a == '\0' && *b == '\0') return smearing_aliases[i].sm;
    }
    return NULL;
}

/* Neumaier-compensated running sum. */
struct csum {
    double s, c;
};
static void csum_add(struct csum *a, double v)
{
    double t = a->s + v;
    if (fabs(a->s) >= fabs(v)) a->c += (a->s - t) + v;
    else a->c += (v - t) + a->s;
    a->s = t;
}

static double count_electrons(const struct dft_smearing *sm, double sigma, int n_set, int n_kpt,
                              int n_band, const double *eig, const double *wk, double max_occ,
                              double mu)
{
    struct csum n = {0, 0};
    for (int is = 0; is < n_set; is++)
        for (int ik = 0; ik < n_kpt; ik++) {
            const double *e = eig + ((size_t)is * n_kpt + ik) * n_band;
            for (int ib = 0; ib < n_band; ib++) csum_add(&n, wk[ik] * max_occ * sm->occupation((mu - e[ib]) / sigma));
        }
    return n.s + n.c;
}

int dft_smearing_occupy(const struct dft_smearing *sm, double sigma, int n_kpt, int n_spin,
                        int n_band, const double *eig, const double *wk, double max_occ,
                        double n_electrons, double *mu, double *occ, double *minus_ts)
{
    if (!sm) LS_ERROR(LS_ERR_INPUT, "no smearing function given (for fixed occupations use dft_occupations_fixed)");
    if (!(sigma > 0) || !isfinite(sigma))
        LS_ERROR(LS_ERR_INPUT, "smearing width must be positive (got %g Ha)", sigma);
    if (n_kpt < 1 || n_band < 1 || (n_spin != 1 && n_spin != 2))
        LS_ERROR(LS_ERR_INPUT, "smearing: bad sizes (n_kpt %d, n_spin %d, n_band %d)", n_kpt, n_spin, n_band);
    if (!(max_occ > 0) || !(n_electrons > 0))
        LS_ERROR(LS_ERR_INPUT, "smearing: bad max_occ %g or electron count %g", max_occ, n_electrons);
    double wsum = 0, emin = INFINITY, emax = -INFINITY;
    for (int ik = 0; ik < n_kpt; ik++) wsum += wk[ik];
    if (fabs(wsum - 1.0) > 1e-10)
        LS_ERROR(LS_ERR_INPUT, "k-point weights must sum to 1 (they sum to %.15g)", wsum);
    size_t n_state = (size_t)n_spin * n_kpt * n_band;
    for (size_t i = 0; i < n_state; i++) {
        if (!isfinite(eig[i])) LS_ERROR(LS_ERR_NUMERIC, "smearing: eigenvalue %zu is not finite", i);
        emin = fmin(emin, eig[i]);
        emax = fmax(emax, eig[i]);
    }
    double capacity = max_occ * n_spin * n_band;
    if (n_electrons > capacity * (1 + 1e-14))
        LS_ERROR(LS_ERR_INPUT, "%g electrons do not fit in %d bands (%g states per k-point): add bands",
                 n_electrons, n_band, capacity);

    /* Bracket: QE's first, then widened until N(lo) < N_el < N(hi).  Beyond 40 sigma every f
     * is 0 or 1 to double precision for all four functions, so the widening ends. */
    double lo = emin - 2 * sigma, hi = emax + 2 * sigma, step = 2 * sigma;
#define NEL(m) count_electrons(sm, sigma, n_spin, n_kpt, n_band, eig, wk, max_occ, (m))
    while (NEL(lo) >= n_electrons && lo > emin - 64 * sigma) lo -= (step *= 2);
    step = 2 * sigma;
    while (NEL(hi) <= n_electrons && hi < emax + 64 * sigma) hi += (step *= 2);
    double nlo = NEL(lo), nhi = NEL(hi);
    /* Only MP and MV can place every electron with all bands full (f overshoots 1). */
    if (!(nhi > n_electrons))
        LS_ERROR(LS_ERR_INPUT, "%g electrons fill all %d bands (%g states per k-point), so no Fermi level "
                 "exists with %s smearing: add bands", n_electrons, n_band, capacity, sm->name);
    if (!(nlo < n_electrons))
        LS_ERROR(LS_ERR_NUMERIC, "cannot bracket the Fermi level: N(%g Ha) = %.15g, want %.15g", lo, nlo, n_electrons);
    int status = LS_OK;
    double m = 0.5 * (lo + hi), dn = NEL(m) - n_electrons;
    const double tol = 1e-13;
    for (int it = 0; it < 2000 && fabs(dn) >= tol; it++) {
        if (dn < 0) lo = m;
        else hi = m;
        double mid = 0.5 * (lo + hi);
        if (mid <= lo || mid >= hi) break; /* the bracket is two adjacent doubles */
        m = mid;
        dn = NEL(m) - n_electrons;
    }
#undef NEL
    /* A bracket of adjacent doubles means N jumps by more than tol there (sigma tiny against
     * the eigenvalues); report it, keeping the best level found. */
    if (fabs(dn) >= tol)
        status = ls_error_set(LS_ERR_CONVERGENCE, __FILE__, __LINE__,
                              "Fermi level: electron count off by %.3g at the limit of double precision "
                              "(smearing %g Ha too small for these eigenvalues?)", dn, sigma);

    struct csum ts = {0, 0};
    for (int is = 0; is < n_spin; is++)
        for (int ik = 0; ik < n_kpt; ik++) {
            size_t off = ((size_t)is * n_kpt + ik) * n_band;
            for (int ib = 0; ib < n_band; ib++) {
                double x = (m - eig[off + ib]) / sigma;
                if (occ) occ[off + ib] = max_occ * sm->occupation(x);
                csum_add(&ts, wk[ik] * sm->entropy(x));
            }
        }
    if (mu) *mu = m;
    if (minus_ts) *minus_ts = sigma * max_occ * (ts.s + ts.c);
    return status;
}

int dft_occupations_fixed(int n_kpt, int n_spin, int n_band, const double *eig,
                          const double *n_electrons_per_spin, double max_occ, double *occ,
                          double *homo, double *lumo)
{
    if (n_kpt < 1 || n_band < 1 || (n_spin != 1 && n_spin != 2))
        LS_ERROR(LS_ERR_INPUT, "fixed occupations: bad sizes (n_kpt %d, n_spin %d, n_band %d)", n_kpt, n_spin, n_band);
    if (!(max_occ > 0)) LS_ERROR(LS_ERR_INPUT, "fixed occupations: max_occ must be positive (got %g)", max_occ);
    double h = -INFINITY, l = INFINITY;
    for (int is = 0; is < n_spin; is++) {
        double ne = n_electrons_per_spin[is], nb = ne / max_occ;
        int n_full = (int)nearbyint(nb);
        if (!(ne >= 0) || fabs(nb - n_full) > 1e-8) {
            if (n_spin == 1)
                LS_ERROR(LS_ERR_INPUT,
                         "%g electrons cannot fill whole bands of %g electrons each with fixed occupations: "
                         "use smearing (a metal or an open shell) or a spin-polarised calculation",
                         ne, max_occ);
            LS_ERROR(LS_ERR_INPUT,
                     "%g electrons in spin channel %d cannot fill whole bands with fixed occupations: "
                     "use smearing or an integer number of electrons per spin (total magnetisation)",
                     ne, is + 1);
        }
        if (n_full > n_band)
            LS_ERROR(LS_ERR_INPUT, "%d occupied bands needed but only %d computed: add bands", n_full, n_band);
        for (int ik = 0; ik < n_kpt; ik++) {
            size_t off = ((size_t)is * n_kpt + ik) * n_band;
            for (int ib = 1; ib < n_band; ib++)
                if (eig[off + ib] < eig[off + ib - 1])
                    LS_ERROR(LS_ERR_INPUT, "fixed occupations: eigenvalues of k-point %d (spin %d) are not "
                                           "in ascending order (band %d)", ik, is + 1, ib);
            for (int ib = 0; ib < n_band; ib++) {
                if (occ) occ[off + ib] = ib < n_full ? max_occ : 0.0;
                if (ib == n_full - 1) h = fmax(h, eig[off + ib]);
                if (ib == n_full) l = fmin(l, eig[off + ib]);
            }
        }
    }
    if (homo) *homo = h;
    if (lumo) *lumo = l;
    return LS_OK;
}
