/* Fully relativistic (j-resolved) pseudopotentials in a calculation without spin-orbit coupling:
 * the projectors of each l > 0 come in pairs j = l -+ 1/2 and are averaged with the weights of
 * the two j-multiplets, (l+1) for j = l + 1/2 and l for j = l - 1/2, as Quantum ESPRESSO 6.7's
 * average_pp does (PW/src/average_pp.f90; its formulas are quoted in pseudo.h).  The
 * averaged operator sum_j |beta_j> D_j <beta_j| P_j has the scalar-relativistic form
 * |beta> D <beta| with beta chosen so that its D is the multiplet-weighted mean of D_+ and D_-
 * (G. B. Bachelet, M. Schlueter, Phys. Rev. B 25, 2103 (1982), doi:10.1103/PhysRevB.25.2103,
 * for the j-averaged ionic potential).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "dft/pseudo/pseudo.h"

/* Index pair (plus, minus) of the l > 0 pair starting at i: j = l + 1/2 and j = l - 1/2, in
 * either order; -1 if i and i + 1 are not such a pair. */
static int so_pair(const int *l, const double *j, int n, int i, int *plus, int *minus)
{
    if (i + 1 >= n || l[i] != l[i + 1] || l[i] == 0) return -1;
    if (fabs(j[i] - l[i] - 0.5) < 1e-7 && fabs(j[i + 1] - l[i] + 0.5) < 1e-7) {
        *plus = i;
        *minus = i + 1;
        return 0;
    }
    if (fabs(j[i] - l[i] + 0.5) < 1e-7 && fabs(j[i + 1] - l[i] - 0.5) < 1e-7) {
        *plus = i + 1;
        *minus = i;
        return 0;
    }
    return -1;
}

int dft_pseudo_average_so(dft_pseudo *p)
{
    if (!p->has_so) return LS_OK;
    int nb = p->n_beta, n = p->n_mesh;
    double *beta[DFT_PSEUDO_MAX_BETA] = {0}, d[DFT_PSEUDO_MAX_BETA];
    int l_new[DFT_PSEUDO_MAX_BETA], n_new = 0;
    int status = LS_OK;
    for (int i = 0; i < nb; i++) {
        int l = p->beta_l[i];
        beta[n_new] = malloc((size_t)n * sizeof(double));
        if (!beta[n_new]) LS_ERROR_GOTO(status, LS_ERR_NOMEM, fail, "out of memory");
        l_new[n_new] = l;
        if (l == 0) {
            memcpy(beta[n_new], p->beta[i], (size_t)n * sizeof(double));
            d[n_new] = p->dij[i * nb + i];
        } else {
            int ip, im;
            if (so_pair(p->beta_l, p->beta_j, nb, i, &ip, &im) != 0)
                LS_ERROR_GOTO(status, LS_ERR_INPUT, fail,
                              "%s: projector %d (l = %d, j = %g) is not followed by its partner with j = l %s 1/2, which "
                              "the j-average of a fully relativistic potential without spin-orbit needs (as pw.x's average_pp)",
                              p->path, i + 1, l, p->beta_j[i], p->beta_j[i] > l ? "-" : "+");
            double dp = p->dij[ip * nb + ip], dm = p->dij[im * nb + im];
            double dv = ((l + 1.0) * dp + l * dm) / (2.0 * l + 1.0);
            if (!(dp / dv > 0) || !(dm / dv > 0))
                LS_ERROR_GOTO(status, LS_ERR_INPUT, fail,
                              "%s: projectors %d and %d (l = %d) have D of opposite signs (%g, %g Ha): their j-average "
                              "is not defined (pw.x's average_pp would take the square root of a negative number)",
                              p->path, ip + 1, im + 1, l, dp, dm);
            double cp = (l + 1.0) * sqrt(dp / dv) / (2.0 * l + 1.0), cm = l * sqrt(dm / dv) / (2.0 * l + 1.0);
            for (int r = 0; r < n; r++) beta[n_new][r] = cp * p->beta[ip][r] + cm * p->beta[im][r];
            d[n_new] = dv;
            i++; /* the partner is consumed */
        }
        n_new++;
    }
    /* Atomic wavefunctions: the same pairs, weighted without the D factors. */
    int nc = p->n_chi, nc_new = 0, lc_new[DFT_PSEUDO_MAX_BETA];
    double *chi[DFT_PSEUDO_MAX_BETA] = {0};
    for (int i = 0; i < nc; i++) {
        int l = p->chi_l[i], ip, im;
        chi[nc_new] = malloc((size_t)n * sizeof(double));
        if (!chi[nc_new]) LS_ERROR_GOTO(status, LS_ERR_NOMEM, fail_chi, "out of memory");
        lc_new[nc_new] = l;
        if (l == 0) {
            memcpy(chi[nc_new], p->chi[i], (size_t)n * sizeof(double));
        } else {
            if (so_pair(p->chi_l, p->chi_j, nc, i, &ip, &im) != 0)
                LS_ERROR_GOTO(status, LS_ERR_INPUT, fail_chi,
                              "%s: atomic wavefunction %d (l = %d, j = %g) is not followed by its partner with the other j",
                              p->path, i + 1, l, p->chi_j[i]);
            for (int r = 0; r < n; r++) chi[nc_new][r] = ((l + 1.0) * p->chi[ip][r] + l * p->chi[im][r]) / (2.0 * l + 1.0);
            i++;
        }
        nc_new++;
    }
    /* Replace: D becomes diagonal in the new projectors (as in pw.x, which keeps dion(nb, nb)). */
    for (int i = 0; i < DFT_PSEUDO_MAX_BETA; i++) {
        free(p->beta[i]);
        free(p->beta_tab[i]);
        p->beta[i] = i < n_new ? beta[i] : NULL;
        p->beta_tab[i] = NULL;
        free(p->chi[i]);
        p->chi[i] = i < nc_new ? chi[i] : NULL;
    }
    int kk = p->beta_n_mesh[0];
    memset(p->dij, 0, sizeof p->dij);
    for (int i = 0; i < n_new; i++) {
        p->beta_l[i] = l_new[i];
        p->beta_n_mesh[i] = kk;
        p->beta_j[i] = 0;
        p->dij[i * n_new + i] = d[i];
    }
    for (int i = 0; i < nc_new; i++) {
        p->chi_l[i] = lc_new[i];
        p->chi_j[i] = 0;
    }
    p->n_beta = n_new;
    p->n_chi = nc_new;
    p->tab_n = 0;
    p->has_so = 0;
    return LS_OK;
fail_chi:
    for (int i = 0; i < DFT_PSEUDO_MAX_BETA; i++) free(chi[i]);
fail:
    for (int i = 0; i < DFT_PSEUDO_MAX_BETA; i++) free(beta[i]);
    return status;
}
