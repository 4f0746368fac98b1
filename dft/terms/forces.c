/* Forces and stress of a converged Kohn-Sham state.
 *
 * Forces F_a = -dE/dtau_a (Hellmann-Feynman): local pseudopotential and core correction from the
 * reciprocal-space sums, nonlocal from the derivatives of the projections, Ewald from dft/terms/ewald.c.
 * Stress sigma_ab = (1/Omega) dE/d eps_ab (O. H. Nielsen, R. M. Martin, Phys. Rev. B 32, 3780
 * (1985), doi:10.1103/PhysRevB.32.3780), per term:
 *   kinetic   -sum f w sum_G |c_G|^2 q_a q_b,  q = k + G
 *   Hartree   -delta_ab E_H + Omega sum_G 4 pi |rho(G)|^2 G_a G_b / G^4
 *   local     -delta_ab E_loc - sum_G Re[rho*(G) sum_s S_s(G) v_s'(|G|)] G_a G_b / |G|
 *   xc        delta_ab (E_xc - int v_xc (rho + rho_c)) - int 2 e_sigma d_a rho d_b rho (GGA)
 *             - sum_G Re[v_xc*(G) sum_s S_s(G) rho_c,s'(|G|)] G_a G_b / |G|
 *   nonlocal  sum f w 2 Re sum_ij D_ij b_i* db_j/d eps_ab, dP/d eps_ab = -delta_ab P / 2 - q_b dP/dq_a
 *   Ewald     from dft/terms/ewald.c
 * each divided by Omega.  Symmetrisation over the operations of the system.
 */
#include "dft/terms/forces.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>


#include "common/err.h"
#include "common/parallel.h"
#include "dft/terms/ewald.h"
#include "dft/terms/nonlocal.h"
#include "dft/terms/nonlocal_deriv.h"
#include "dft/terms/potential.h"
#include "dft/basis/symmetrize.h"

/* Final-state fields on the sphere: total valence density and the spin-averaged v_xc. */
struct final_fields {
    double complex *rho_g;  /* [n_g] total valence density */
    double complex *vxc_g;  /* [n_g] (1/n_spin) sum_s v_xc,s */
    double *vxc;            /* [n_spin][n_r] */
    struct dft_potential_energies pe;
};

static int final_fields_compute(const dft_system *sys, struct final_fields *ff)
{
    const dft_grid *g = sys->grid;
    long nr = g->n_r;
    int ns = sys->n_spin;
    memset(ff, 0, sizeof *ff);
    ff->rho_g = malloc((size_t)g->n_g * sizeof *ff->rho_g);
    ff->vxc_g = malloc((size_t)g->n_g * sizeof *ff->vxc_g);
    ff->vxc = malloc((size_t)sys->n_rho * nr * sizeof *ff->vxc);
    double *veff = malloc((size_t)sys->n_rho * nr * sizeof *veff); /* n_rho components */
    double *tmp = malloc((size_t)nr * sizeof *tmp);
    double complex *work = fftw_malloc((size_t)nr * sizeof *work);
    int status = LS_OK;
    if (!ff->rho_g || !ff->vxc_g || !ff->vxc || !veff || !tmp || !work)
        LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    LS_TRY_GOTO(status, dft_potential_compute(sys, sys->rho, veff, ff->vxc, &ff->pe), done);
    for (long ir = 0; ir < nr; ir++) tmp[ir] = ns == 2 ? sys->rho[ir] + sys->rho[nr + ir] : sys->rho[ir];
    dft_grid_field_to_sphere(g, tmp, ff->rho_g, work);
    for (long ir = 0; ir < nr; ir++) tmp[ir] = ns == 2 ? 0.5 * (ff->vxc[ir] + ff->vxc[nr + ir]) : ff->vxc[ir];
    dft_grid_field_to_sphere(g, tmp, ff->vxc_g, work);
done:
    free(veff);
    free(tmp);
    fftw_free(work);
    return status;
}

static void final_fields_free(struct final_fields *ff)
{
    free(ff->rho_g);
    free(ff->vxc_g);
    free(ff->vxc);
}

/* Sum over the density sphere of the local and core forces on every atom (added to f).  With
 * MPI each rank takes a share of the atoms and the forces are summed over the ranks. */
static int local_forces(const dft_system *sys, const struct final_fields *ff, double (*f)[3])
{
    const dft_grid *g = sys->grid;
    const ls_comm *world = ls_comm_world();
    long a_lo, a_hi;
    ls_par_range(sys->n_atom, ls_comm_size(world), ls_comm_rank(world), &a_lo, &a_hi);
    double *vq = malloc((size_t)g->n_shell * sizeof *vq);
    double *cq = malloc((size_t)g->n_shell * sizeof *cq);
    if (!vq || !cq) {
        free(vq);
        free(cq);
        LS_ERROR(LS_ERR_NOMEM, "out of memory");
    }
    int status = LS_OK;
    for (int s = 0; s < sys->n_species && status == LS_OK; s++) {
        const dft_pseudo *ps = sys->pseudo[s];
        status = dft_pseudo_vloc_q(ps, (int)g->n_shell, g->shell_g, vq);
        if (status == LS_OK && ps->has_nlcc) status = dft_pseudo_core_q(ps, (int)g->n_shell, g->shell_g, cq);
        if (status != LS_OK) break;
        for (int a = (int)a_lo; a < (int)a_hi; a++) {
            if (sys->species_of[a] != s) continue;
            double fa[3] = {0, 0, 0};
            for (long ig = 1; ig < g->n_g; ig++) {
                double ph = g->g[ig][0] * sys->tau[a][0] + g->g[ig][1] * sys->tau[a][1] + g->g[ig][2] * sys->tau[a][2];
                double complex e = cexp(-I * ph);
                double complex w = conj(ff->rho_g[ig]) * vq[g->shell_of[ig]];
                if (ps->has_nlcc) w += conj(ff->vxc_g[ig]) * cq[g->shell_of[ig]];
                /* F = Re sum_G i G w e^{-iG.tau} */
                double c = creal(I * w * e);
                for (int d = 0; d < 3; d++) fa[d] += g->g[ig][d] * c;
            }
            for (int d = 0; d < 3; d++) f[a][d] += fa[d];
        }
    }
    free(vq);
    free(cq);
    ls_comm_sum_double(world, &f[0][0], 3 * (size_t)sys->n_atom);
    return status;
}

int dft_forces_compute(const dft_system *sys, double (*forces)[3])
{
    int n = sys->n_atom;
    struct final_fields ff;
    int status = final_fields_compute(sys, &ff);
    double (*fe)[3] = calloc((size_t)n, sizeof *fe);
    double *charge = malloc((size_t)n * sizeof *charge);
    if (status == LS_OK && (!fe || !charge)) status = ls_error_set(LS_ERR_NOMEM, __FILE__, __LINE__, "out of memory");
    if (status == LS_OK) {
        memset(forces, 0, (size_t)n * sizeof *forces);
        status = local_forces(sys, &ff, forces);
    }
    if (status == LS_OK) {
        double e_nl;
        status = dft_nonlocal_derivatives(sys, fe, NULL, &e_nl);
        for (int a = 0; status == LS_OK && a < n; a++)
            for (int d = 0; d < 3; d++) forces[a][d] -= fe[a][d];
    }
    if (status == LS_OK) {
        for (int a = 0; a < n; a++) charge[a] = sys->pseudo[sys->species_of[a]]->z_valence;
        status = dft_ewald(sys->cell, n, (const double(*)[3])sys->tau, charge, NULL, fe, NULL);
    }
    if (status == LS_OK) {
        for (int a = 0; a < n; a++)
            for (int d = 0; d < 3; d++) forces[a][d] += fe[a][d];
        dft_symmetrize_forces(sys, forces);
    }
    free(fe);
    free(charge);
    final_fields_free(&ff);
    return status;
}
