/* The stress tensor of a converged state: the terms listed in forces.c, each (1/Omega) dE/d eps. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "dft/linalg.h"

#include "common/err.h"
#include "dft/ewald.h"
#include "dft/forces.h"
#include "dft/nonlocal.h"
#include "dft/potential.h"
#include "dft/symmetrize.h"

static void kinetic_stress(const dft_system *sys, double out[3][3])
{
    int n_kpt = sys->kpts->n_kpt, nb = sys->n_band;
    memset(out, 0, 9 * sizeof(double));
    for (int is = 0; is < sys->n_spin; is++)
        for (int ik = 0; ik < n_kpt; ik++) {
            const dft_basis *b = sys->basis[ik];
            for (int ib = 0; ib < nb; ib++) {
                double w = sys->occ[((size_t)is * n_kpt + ik) * nb + ib] * b->weight;
                if (w == 0) continue;
                const double complex *c = sys->psi[is * n_kpt + ik] + (size_t)ib * b->n_pw;
                double acc[3][3] = {{0}};
                for (int ig = 0; ig < b->n_pw; ig++) {
                    double p = creal(c[ig]) * creal(c[ig]) + cimag(c[ig]) * cimag(c[ig]);
                    for (int x = 0; x < 3; x++)
                        for (int y = x; y < 3; y++) acc[x][y] += p * b->kg[ig][x] * b->kg[ig][y];
                }
                for (int x = 0; x < 3; x++)
                    for (int y = x; y < 3; y++) out[x][y] -= w * acc[x][y];
            }
        }
    for (int x = 0; x < 3; x++)
        for (int y = 0; y < x; y++) out[x][y] = out[y][x];
}

/* Hartree, local and core-correction terms from the sphere sums. */
static int density_stress(const dft_system *sys, const double complex *rho_g, const double complex *vxc_g,
                          double e_hartree, double e_local, double out[3][3])
{
    const dft_grid *g = sys->grid;
    memset(out, 0, 9 * sizeof(double));
    double *vdq = malloc((size_t)g->n_shell * sizeof *vdq);
    double *cdq = malloc((size_t)g->n_shell * sizeof *cdq);
    double complex *sf = malloc((size_t)g->n_g * sizeof *sf);
    double complex *wsum = calloc((size_t)g->n_g, sizeof *wsum);
    int status = LS_OK;
    if (!vdq || !cdq || !sf || !wsum) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    /* wsum(G) = sum_s S_s(G) [rho*(G) v_s'(|G|) + v_xc*(G) rho_c,s'(|G|)] */
    for (int s = 0; s < sys->n_species; s++) {
        const dft_pseudo *ps = sys->pseudo[s];
        LS_TRY_GOTO(status, dft_pseudo_vloc_dq(ps, (int)g->n_shell, g->shell_g, vdq), done);
        if (ps->has_nlcc) LS_TRY_GOTO(status, dft_pseudo_core_dq(ps, (int)g->n_shell, g->shell_g, cdq), done);
        dft_structure_factor(sys, s, sf);
        for (long ig = 1; ig < g->n_g; ig++) {
            double complex w = conj(rho_g[ig]) * vdq[g->shell_of[ig]];
            if (ps->has_nlcc) w += conj(vxc_g[ig]) * cdq[g->shell_of[ig]];
            wsum[ig] += sf[ig] * w;
        }
    }
    for (long ig = 1; ig < g->n_g; ig++) {
        double gl = sqrt(g->g2[ig]);
        double h = 4.0 * M_PI * creal(rho_g[ig] * conj(rho_g[ig])) / (g->g2[ig] * g->g2[ig]) * sys->omega;
        double l = -creal(wsum[ig]) / gl;
        for (int x = 0; x < 3; x++)
            for (int y = 0; y < 3; y++) out[x][y] += (h + l) * g->g[ig][x] * g->g[ig][y];
    }
    for (int x = 0; x < 3; x++) out[x][x] -= e_hartree + e_local;
done:
    free(vdq);
    free(cdq);
    free(sf);
    free(wsum);
    return status;
}

/* d Y_lm(q) / d q_a by central differences (Y depends on the direction only). */
static void ylm_gradient(int l, const double q[3], double dy[3][7])
{
    double qn = sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2]);
    for (int a = 0; a < 3; a++)
        for (int m = 0; m < 7; m++) dy[a][m] = 0;
    if (l == 0 || qn < 1e-10) return;
    double h = 1e-5 * qn;
    for (int a = 0; a < 3; a++) {
        double qp[3] = {q[0], q[1], q[2]}, qm[3] = {q[0], q[1], q[2]}, yp[7], ym[7];
        qp[a] += h;
        qm[a] -= h;
        dft_ylm_real(l, qp, yp);
        dft_ylm_real(l, qm, ym);
        for (int m = 0; m < 2 * l + 1; m++) dy[a][m] = (yp[m] - ym[m]) / (2 * h);
    }
}

static int nonlocal_stress(const dft_system *sys, double out[3][3])
{
    int n_kpt = sys->kpts->n_kpt, nb = sys->n_band, np = sys->n_proj_total;
    memset(out, 0, 9 * sizeof(double));
    if (np == 0) return LS_OK;
    int n_pw_max = 0;
    for (int ik = 0; ik < n_kpt; ik++) n_pw_max = sys->basis[ik]->n_pw > n_pw_max ? sys->basis[ik]->n_pw : n_pw_max;
    int status = LS_OK;
    double complex *becp = malloc((size_t)nb * np * sizeof *becp);
    double complex *dbecp = malloc((size_t)nb * np * sizeof *dbecp);
    double complex *dq = malloc((size_t)3 * np * n_pw_max * sizeof *dq); /* dP/dq_a, phase fixed */
    double complex *qpsi = malloc((size_t)nb * n_pw_max * sizeof *qpsi);
    double *q = malloc((size_t)n_pw_max * sizeof *q);
    double *fq = malloc((size_t)n_pw_max * sizeof *fq);
    double *dfq = malloc((size_t)n_pw_max * sizeof *dfq);
    if (!becp || !dbecp || !dq || !qpsi || !q || !fq || !dfq) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    double e_nl = 0;
    const double complex one = 1.0, zero = 0.0;
    static const double complex mi[4] = {1.0, -I, -1.0, I};
    for (int ik = 0; ik < n_kpt; ik++) {
        const dft_basis *b = sys->basis[ik];
        int npw = b->n_pw;
        for (int ig = 0; ig < npw; ig++) q[ig] = sqrt(2.0 * b->kin[ig]);
        /* Build dP/dq_a for every projector. */
        for (int s = 0; s < sys->n_species; s++) {
            const dft_pseudo *ps = sys->pseudo[s];
            int off_i = 0;
            for (int i = 0; i < ps->n_beta; i++) {
                int l = ps->beta_l[i];
                LS_TRY_GOTO(status, dft_pseudo_beta_q(ps, i, npw, q, fq), done);
                LS_TRY_GOTO(status, dft_pseudo_beta_dq(ps, i, npw, q, dfq), done);
                for (int ig = 0; ig < npw; ig++) {
                    double y[7], dy[3][7];
                    dft_ylm_real(l, b->kg[ig], y);
                    ylm_gradient(l, b->kg[ig], dy);
                    for (int a = 0; a < sys->n_atom; a++) {
                        if (sys->species_of[a] != s) continue;
                        double ph = b->kg[ig][0] * sys->tau[a][0] + b->kg[ig][1] * sys->tau[a][1] + b->kg[ig][2] * sys->tau[a][2];
                        double complex pre = mi[l & 3] * cexp(-I * ph) / sqrt(sys->omega);
                        for (int m = 0; m < 2 * l + 1; m++) {
                            int p = sys->proj_offset[a] + off_i + m;
                            for (int d = 0; d < 3; d++) {
                                double v = dfq[ig] * y[m] * (q[ig] > 1e-12 ? b->kg[ig][d] / q[ig] : 0.0) + fq[ig] * dy[d][m];
                                dq[((size_t)d * np + p) * npw + ig] = pre * v;
                            }
                        }
                    }
                }
                off_i += 2 * l + 1;
            }
        }
        for (int is = 0; is < sys->n_spin; is++) {
            const double complex *psi = sys->psi[is * n_kpt + ik];
            dft_nonlocal_project(sys, ik, nb, psi, becp);
            for (int ib = 0; ib < nb; ib++) {
                double w = sys->occ[((size_t)is * n_kpt + ik) * nb + ib] * b->weight;
                if (w != 0) e_nl += w * dft_nonlocal_energy_band(sys, becp + (size_t)ib * np);
            }
            for (int y = 0; y < 3; y++) {
                for (int ib = 0; ib < nb; ib++)
                    for (int ig = 0; ig < npw; ig++) qpsi[(size_t)ib * npw + ig] = b->kg[ig][y] * psi[(size_t)ib * npw + ig];
                for (int x = 0; x < 3; x++) {
                    /* dbecp[n][p] = sum_G q_y psi conj(dP/dq_x) */
                    dft_zgemm(CblasNoTrans, CblasConjTrans, nb, np, npw, one, qpsi, npw, dq + (size_t)x * np * npw, npw, zero, dbecp, np);
                    double acc = 0;
                    for (int ib = 0; ib < nb; ib++) {
                        double w = sys->occ[((size_t)is * n_kpt + ik) * nb + ib] * b->weight;
                        if (w == 0) continue;
                        const double complex *bp = becp + (size_t)ib * np, *dp = dbecp + (size_t)ib * np;
                        double s = 0;
                        for (int a = 0; a < sys->n_atom; a++)
                            for (int p = sys->proj_offset[a]; p < sys->proj_offset[a + 1]; p++)
                                for (int qq = sys->proj_offset[a]; qq < sys->proj_offset[a + 1]; qq++)
                                    s += sys->dmat[(size_t)p * np + qq] * creal(conj(bp[p]) * dp[qq]);
                        acc += w * s;
                    }
                    /* db/d eps_xy = -b/2 delta_xy - sum_G q_y conj(dP/dq_x) psi */
                    out[x][y] -= 2.0 * acc;
                }
            }
        }
    }
    for (int x = 0; x < 3; x++) out[x][x] -= e_nl;
done:
    free(becp);
    free(dbecp);
    free(dq);
    free(qpsi);
    free(q);
    free(fq);
    free(dfq);
    return status;
}

int dft_stress_compute(const dft_system *sys, double stress[3][3])
{
    const dft_grid *g = sys->grid;
    long nr = g->n_r;
    int ns = sys->n_spin;
    double sk[3][3], sd[3][3], snl[3][3], sgga[3][3], se[3][3];
    int status = LS_OK;
    double *veff = malloc((size_t)ns * nr * sizeof *veff);
    double *vxc = malloc((size_t)ns * nr * sizeof *vxc);
    double *tmp = malloc((size_t)nr * sizeof *tmp);
    double complex *rho_g = malloc((size_t)g->n_g * sizeof *rho_g);
    double complex *vxc_g = malloc((size_t)g->n_g * sizeof *vxc_g);
    double complex *work = fftw_malloc((size_t)nr * sizeof *work);
    double *charge = malloc((size_t)sys->n_atom * sizeof *charge);
    if (!veff || !vxc || !tmp || !rho_g || !vxc_g || !work || !charge) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    struct dft_potential_energies pe;
    LS_TRY_GOTO(status, dft_potential_compute(sys, sys->rho, veff, vxc, &pe), done);
    for (long ir = 0; ir < nr; ir++) tmp[ir] = ns == 2 ? sys->rho[ir] + sys->rho[nr + ir] : sys->rho[ir];
    dft_grid_field_to_sphere(g, tmp, rho_g, work);
    double v_core = 0;
    for (long ir = 0; ir < nr; ir++) {
        tmp[ir] = ns == 2 ? 0.5 * (vxc[ir] + vxc[nr + ir]) : vxc[ir];
        if (sys->rho_core) v_core += tmp[ir] * sys->rho_core[ir];
    }
    v_core *= sys->omega / (double)nr;
    dft_grid_field_to_sphere(g, tmp, vxc_g, work);
    double e_local = 0;
    for (long ig = 0; ig < g->n_g; ig++) e_local += creal(conj(sys->vloc_g[ig]) * rho_g[ig]);
    e_local *= sys->omega;
    kinetic_stress(sys, sk);
    LS_TRY_GOTO(status, density_stress(sys, rho_g, vxc_g, pe.hartree, e_local, sd), done);
    LS_TRY_GOTO(status, nonlocal_stress(sys, snl), done);
    LS_TRY_GOTO(status, dft_potential_gga_stress(sys, sys->rho, sgga), done);
    for (int a = 0; a < sys->n_atom; a++) charge[a] = sys->pseudo[sys->species_of[a]]->z_valence;
    LS_TRY_GOTO(status, dft_ewald(sys->cell, sys->n_atom, (const double(*)[3])sys->tau, charge, NULL, NULL, se), done);
    double xc_diag = pe.xc - pe.vxc_rho - v_core;
    for (int x = 0; x < 3; x++)
        for (int y = 0; y < 3; y++)
            stress[x][y] = (sk[x][y] + sd[x][y] + snl[x][y] + sgga[x][y] + (x == y ? xc_diag : 0.0)) / sys->omega + se[x][y];
    dft_symmetrize_stress(sys, stress);
done:
    free(veff);
    free(vxc);
    free(tmp);
    free(rho_g);
    free(vxc_g);
    fftw_free(work);
    free(charge);
    return status;
}
