/* The stress tensor of a converged state: the terms listed in forces.c, each (1/Omega) dE/d eps. */
#include <math.h>
#include <stdlib.h>
#include <string.h>


#include "common/err.h"
#include "common/parallel.h"
#include "dft/scf/dist.h"
#include "dft/terms/ewald.h"
#include "dft/terms/forces.h"
#include "dft/terms/nonlocal.h"
#include "dft/terms/nonlocal_deriv.h"
#include "dft/terms/potential.h"
#include "dft/basis/symmetrize.h"

/* -sum f w sum_G |c_G|^2 q_a q_b over this rank's tasks and bands (dft/scf/dist.h), summed over
 * the ranks. */
static void kinetic_stress(const dft_system *sys, double out[3][3])
{
    int n_kpt = sys->kpts->n_kpt, nb = sys->n_band;
    int b_lo, b_hi;
    dft_dist_pool_share(sys->dist, nb, &b_lo, &b_hi);
    memset(out, 0, 9 * sizeof(double));
    for (int is = 0; is < sys->n_spin; is++)
        for (int ik = 0; ik < n_kpt; ik++) {
            if (!dft_dist_owns(sys->dist, is * n_kpt + ik)) continue;
            const dft_basis *b = sys->basis[ik];
            for (int ib = b_lo; ib < b_hi; ib++) {
                double w = sys->occ[((size_t)is * n_kpt + ik) * nb + ib] * b->weight;
                if (w == 0) continue;
                const double complex *c = sys->psi[is * n_kpt + ik] + (size_t)ib * sys->npol * b->n_pw;
                double acc[3][3] = {{0}};
                for (int cp = 0; cp < sys->npol; cp++, c += b->n_pw) /* spinors: both components */
                    for (int ig = 0; ig < b->n_pw; ig++) {
                        double p = creal(c[ig]) * creal(c[ig]) + cimag(c[ig]) * cimag(c[ig]);
                        for (int x = 0; x < 3; x++)
                            for (int y = x; y < 3; y++) acc[x][y] += p * b->kg[ig][x] * b->kg[ig][y];
                    }
                for (int x = 0; x < 3; x++)
                    for (int y = x; y < 3; y++) out[x][y] -= w * acc[x][y];
            }
        }
    ls_comm_sum_double(ls_comm_world(), &out[0][0], 9);
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

int dft_stress_compute(const dft_system *sys, double stress[3][3])
{
    const dft_grid *g = sys->grid;
    long nr = g->n_r;
    int ns = sys->n_spin;
    double sk[3][3], sd[3][3], snl[3][3], sgga[3][3], se[3][3];
    int status = LS_OK;
    double *veff = malloc((size_t)sys->n_rho * nr * sizeof *veff); /* n_rho components */
    double *vxc = malloc((size_t)sys->n_rho * nr * sizeof *vxc);
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
    double e_nl;
    LS_TRY_GOTO(status, dft_nonlocal_derivatives(sys, NULL, snl, &e_nl), done);
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
