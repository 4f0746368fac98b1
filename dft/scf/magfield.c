/* Fixed spin moment and magnetic constraints (see magfield.h). */
#include "dft/scf/magfield.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"
#include "dft/scf/moments.h"
#include "dft/scf/smearing.h"

int dft_magfield_setup(dft_system *sys)
{
    const dft_params *p = sys->params;
    sys->fsm = p->has_tot_magnetization;
    if (sys->fsm && sys->noncolin) {
        if (!sys->domag || !sys->smearing)
            LS_ERROR(LS_ERR_INPUT, "%s: a fixed moment (tot_magnetization) in a noncollinear calculation needs a starting "
                     "magnetisation and smearing", p->source);
        double m[3] = {0, 0, 0};
        for (int a = 0; a < sys->n_atom; a++)
            for (int x = 0; x < 3; x++) m[x] += sys->m_start[a][x];
        double n = sqrt(m[0] * m[0] + m[1] * m[1] + m[2] * m[2]);
        if (!(n > 1e-8)) LS_ERROR(LS_ERR_INPUT, "%s: a fixed moment needs starting moments that do not cancel", p->source);
        for (int x = 0; x < 3; x++) sys->fsm_dir[x] = m[x] / n;
        sys->spin_proj = calloc((size_t)sys->kpts->n_kpt * sys->n_band, sizeof *sys->spin_proj);
        if (!sys->spin_proj) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    }
    if (sys->fsm && !sys->noncolin && sys->n_spin != 2)
        LS_ERROR(LS_ERR_INPUT, "%s: a fixed moment (tot_magnetization) needs a spin-polarised calculation", p->source);
    if (sys->fsm && p->tot_magnetization > sys->n_electrons)
        LS_ERROR(LS_ERR_INPUT, "%s: tot_magnetization = %g is more than the %g electrons", p->source, p->tot_magnetization,
                 sys->n_electrons);
    if (p->mag_constraint != DFT_MAG_CONSTRAINT_NONE) {
        if (!sys->noncolin || !sys->domag)
            LS_ERROR(LS_ERR_INPUT, "%s: the magnetic constraints need a noncollinear, magnetic calculation", p->source);
        LS_TRY(dft_sites_create(sys, &sys->sites));
    }
    return LS_OK;
}

void dft_magfield_spin_proj(dft_system *sys, int ik)
{
    if (!sys->spin_proj) return;
    int npw = sys->basis[ik]->n_pw, nb = sys->n_band;
    const double *e = sys->fsm_dir;
    for (int ib = 0; ib < nb; ib++) {
        const double complex *u = sys->psi[ik] + (size_t)ib * 2 * npw, *d = u + npw;
        double uu = 0, dd = 0;
        double complex ud = 0;
        for (int ig = 0; ig < npw; ig++) {
            uu += creal(u[ig]) * creal(u[ig]) + cimag(u[ig]) * cimag(u[ig]);
            dd += creal(d[ig]) * creal(d[ig]) + cimag(d[ig]) * cimag(d[ig]);
            ud += conj(u[ig]) * d[ig];
        }
        sys->spin_proj[(size_t)ik * nb + ib] = e[0] * 2 * creal(ud) + e[1] * 2 * cimag(ud) + e[2] * (uu - dd);
    }
}

int dft_magfield_add(dft_system *sys, const double *rho, double *veff)
{
    sys->e_ext_rho = 0;
    sys->e_penalty = 0;
    if (!sys->noncolin || !sys->domag) return LS_OK;
    const dft_params *p = sys->params;
    long nr = sys->grid->n_r;
    double dv = sys->omega / (double)nr;
    if (sys->fsm && sys->fsm_field != 0) {
        double b = sys->fsm_field, me = 0;
        for (int c = 0; c < 3; c++) {
            double bc = -b * sys->fsm_dir[c], mc = 0;
            for (long ir = 0; ir < nr; ir++) {
                veff[(size_t)(c + 1) * nr + ir] += bc;
                mc += rho[(size_t)(c + 1) * nr + ir];
            }
            me += bc * mc;
        }
        sys->e_ext_rho += me * dv;
    }
    if (!sys->sites) return LS_OK;
    int na = sys->n_atom;
    double (*m)[3] = malloc((size_t)na * sizeof *m), (*g)[3] = calloc((size_t)na, sizeof *g);
    if (!m || !g) {
        free(m);
        free(g);
        LS_ERROR(LS_ERR_NOMEM, "out of memory");
    }
    dft_sites_moments(sys, sys->sites, rho, m, NULL);
    double lambda = p->mag_lambda, ep = 0;
    int status = LS_OK;
    for (int a = 0; a < na; a++) {
        int s = sys->species_of[a];
        if (p->mag_constraint == DFT_MAG_CONSTRAINT_ATOMIC) {
            /* pw.x: the target is starting_magnetization x direction, read as Bohr magnetons */
            for (int x = 0; x < 3; x++) {
                double d = m[a][x] - sys->m_start[a][x];
                g[a][x] = 2 * lambda * d;
                ep += lambda * d * d;
            }
        } else {
            double ma = sqrt(m[a][0] * m[a][0] + m[a][1] * m[a][1] + m[a][2] * m[a][2]);
            if (!(ma > 1e-30)) {
                status = ls_error_set(LS_ERR_NUMERIC, __FILE__, __LINE__,
                                      "constrained_magnetization 'atomic direction': the moment of atom %d is zero, so its "
                                      "direction cannot be constrained (give it a starting magnetisation)", a + 1);
                break;
            }
            double xx = m[a][2] / ma - cos(p->angle1_deg[s] * M_PI / 180.0), m3 = ma * ma * ma;
            g[a][0] = 2 * lambda * (-xx * m[a][0] * m[a][2] / m3);
            g[a][1] = 2 * lambda * (-xx * m[a][1] * m[a][2] / m3);
            g[a][2] = 2 * lambda * xx * (-m[a][2] * m[a][2] / m3 + 1.0 / ma);
            ep += lambda * xx * xx;
        }
    }
    if (status == LS_OK) {
        double e = 0;
        for (long ir = 0; ir < nr; ir++) {
            int a = sys->sites->atom[ir];
            if (a < 0) continue;
            double w = sys->sites->weight[ir];
            for (int x = 0; x < 3; x++) {
                double b = w * g[a][x];
                veff[(size_t)(x + 1) * nr + ir] += b;
                e += b * rho[(size_t)(x + 1) * nr + ir];
            }
        }
        sys->e_ext_rho += e * dv;
        sys->e_penalty = ep;
    }
    free(m);
    free(g);
    return status;
}

/* Noncollinear fixed moment: the moment of occupations for eigenvalues shifted by -db <sigma.e>. */
static int moment_at(dft_system *sys, double db, double *shifted, double *mu, double *mts, double *moment)
{
    int n_kpt = sys->kpts->n_kpt, nb = sys->n_band;
    for (int i = 0; i < n_kpt * nb; i++) shifted[i] = sys->eig[i] - db * sys->spin_proj[i];
    LS_TRY(dft_smearing_occupy(sys->smearing, sys->sigma, n_kpt, 1, nb, shifted, sys->kpts->weight, 1.0,
                               sys->n_electrons, mu, sys->occ, mts));
    double m = 0;
    for (int ik = 0; ik < n_kpt; ik++)
        for (int ib = 0; ib < nb; ib++) m += sys->kpts->weight[ik] * sys->occ[(size_t)ik * nb + ib] * sys->spin_proj[(size_t)ik * nb + ib];
    *moment = m;
    return LS_OK;
}

static int occupy_noncolin(dft_system *sys)
{
    int n = sys->kpts->n_kpt * sys->n_band;
    double target = sys->params->tot_magnetization, mu, mts, m;
    double *shifted = malloc((size_t)n * sizeof *shifted);
    if (!shifted) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    /* Bracket dB (M grows with dB), then bisect. */
    double lo = 0, hi = 0, step = 0.005;
    int status = moment_at(sys, 0.0, shifted, &mu, &mts, &m), it = 0;
    if (m < target) {
        for (hi = step; status == LS_OK && it < 40; it++, step *= 2) {
            status = moment_at(sys, hi, shifted, &mu, &mts, &m);
            if (m >= target) break;
            lo = hi;
            hi += step;
        }
    } else {
        for (lo = -step; status == LS_OK && it < 40; it++, step *= 2) {
            status = moment_at(sys, lo, shifted, &mu, &mts, &m);
            if (m <= target) break;
            hi = lo;
            lo -= step;
        }
    }
    double db = 0;
    for (it = 0; status == LS_OK && it < 200; it++) {
        db = 0.5 * (lo + hi);
        status = moment_at(sys, db, shifted, &mu, &mts, &m);
        if (status != LS_OK || fabs(m - target) < 1e-11 || hi - lo < 1e-15) break;
        if (m < target) lo = db;
        else hi = db;
    }
    free(shifted);
    LS_TRY(status);
    if (fabs(m - target) > 1e-6)
        LS_ERROR(LS_ERR_NUMERIC, "fixed moment: no field gives M = %g muB (reached %g): too few bands or too large a moment",
                 target, m);
    sys->fermi = mu;
    sys->minus_ts = mts;
    sys->fsm_field += db;
    return LS_OK;
}

int dft_magfield_occupy(dft_system *sys, double *homo, double *lumo, int *done)
{
    *done = 0;
    if (!sys->fsm) return LS_OK;
    *done = 1;
    if (sys->noncolin) return occupy_noncolin(sys);
    int n_kpt = sys->kpts->n_kpt, nb = sys->n_band;
    double m = sys->params->tot_magnetization, ne[2] = {0.5 * (sys->n_electrons + m), 0.5 * (sys->n_electrons - m)};
    *homo = -INFINITY;
    *lumo = INFINITY;
    sys->minus_ts = 0;
    if (!sys->smearing) {
        LS_TRY(dft_occupations_fixed(n_kpt, 2, nb, sys->eig, ne, 1.0, sys->occ, homo, lumo));
        sys->fermi = *homo;
        return LS_OK;
    }
    /* Two Fermi levels (pw.x two_fermi_energies): each spin channel holds its own electrons. */
    double mu[2], ts[2];
    for (int is = 0; is < 2; is++) {
        size_t off = (size_t)is * n_kpt * nb;
        if (ne[is] <= 0) { /* an empty channel */
            memset(sys->occ + off, 0, (size_t)n_kpt * nb * sizeof *sys->occ);
            mu[is] = -INFINITY;
            ts[is] = 0;
            continue;
        }
        LS_TRY(dft_smearing_occupy(sys->smearing, sys->sigma, n_kpt, 1, nb, sys->eig + off, sys->kpts->weight, 1.0, ne[is],
                                   &mu[is], sys->occ + off, &ts[is]));
    }
    sys->fermi_up = mu[0];
    sys->fermi_down = mu[1];
    sys->fermi = isfinite(mu[1]) ? 0.5 * (mu[0] + mu[1]) : mu[0];
    sys->minus_ts = ts[0] + ts[1];
    return LS_OK;
}
