/* The pseudopotential harnesses (fuzz_upf.c, fuzz_gth.c): after a successful read, what a
 * calculation asks of a pseudopotential: its projector count, the interpolation tables
 * (dft_pseudo_tabulate) and every form factor at a few |q|, which must all be finite. */
#ifndef LS_FUZZ_PSEUDO_H
#define LS_FUZZ_PSEUDO_H

#include <math.h>

#include "dft/pseudo/pseudo.h"
#include "fuzz/fuzz.h"

static inline void fuzz_finite(const double *v, int n, const char *what)
{
    for (int i = 0; i < n; i++)
        if (!isfinite(v[i])) {
            fprintf(stderr, "%s[%d] = %g: a pseudopotential that reads must give finite form factors\n", what, i, v[i]);
            abort();
        }
}

static inline void fuzz_pseudo_use(dft_pseudo *ps)
{
    static const double q[4] = {0.0, 0.37, 2.1, 6.5};
    double out[4];
    (void)dft_pseudo_n_proj(ps);
    int status = dft_pseudo_tabulate(ps, 7.0);
    fuzz_check_status(status, "dft_pseudo_tabulate");
    if (status != LS_OK) return;
    if (dft_pseudo_vloc_q(ps, 4, q, out) == LS_OK) fuzz_finite(out, 4, "vloc_q");
    if (ps->has_nlcc && dft_pseudo_core_q(ps, 4, q, out) == LS_OK) fuzz_finite(out, 4, "core_q");
    if (dft_pseudo_atom_q(ps, 4, q, out) == LS_OK) fuzz_finite(out, 4, "atom_q");
    for (int ib = 0; ib < ps->n_beta; ib++)
        if (dft_pseudo_beta_q(ps, ib, 4, q, out) == LS_OK) fuzz_finite(out, 4, "beta_q");
    for (int ic = 0; ic < ps->n_chi; ic++)
        if (dft_pseudo_chi_q(ps, ic, 4, q, out) == LS_OK) fuzz_finite(out, 4, "chi_q");
    ls_error_clear();
}

#endif
