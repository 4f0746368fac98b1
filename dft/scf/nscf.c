/* Non-self-consistent bands (pw.x's calculation = 'nscf' and 'bands'): the Kohn-Sham
 * Hamiltonian of a given density (that of an earlier SCF run, sys->start) is diagonalised at
 * the run's k-points, without updating the density.
 *
 * As pw.x 6.7 (setup.f90, c_bands_nscf): the eigenvalue threshold is 0.1 min(1e-2, tr2 / N)
 * with tr2 the SCF threshold (here conv_thr) and N the electron count; the bands start from
 * atomic orbitals (random vectors where there are too few) and the diagonalisation is repeated
 * (up to 5 times, 100 Davidson iterations each) until every band has converged.  'nscf' then
 * occupies the states (Fermi level, or highest occupied level for fixed occupations); 'bands'
 * does not.  No energy is computed (the density is not that of these states).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "common/err.h"
#include "common/log.h"
#include "common/parallel.h"
#include "dft/scf/dist.h"
#include "dft/scf/eigensolver.h"
#include "dft/scf/hamiltonian.h"
#include "dft/scf/scf.h"
#include "dft/scf/start.h"
#include "dft/terms/potential.h"

int dft_nscf_solve(dft_system *sys, struct dft_scf_report *rep)
{
    const dft_params *p = sys->params;
    int n_kpt = sys->kpts->n_kpt, nb = sys->n_band;
    const dft_dist *dist = sys->dist;
    int status = LS_OK, n_thread = 1;
    memset(rep, 0, sizeof *rep);
    if (!sys->start) LS_ERROR(LS_ERR_INPUT, "%s: a non-self-consistent run needs a density", p->source);
#ifdef _OPENMP
    n_thread = omp_get_max_threads();
#endif
    int k_parallel = n_thread > 1 && dist->task_hi - dist->task_lo >= 2 && dist->pool_size == 1;
    dft_ham_work **hw = calloc((size_t)n_thread, sizeof *hw);
    dft_eig_work **ew = calloc((size_t)n_thread, sizeof *ew);
    int *todo = calloc((size_t)sys->n_spin * n_kpt, sizeof *todo);
    if (!hw || !ew || !todo) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    int n_pw_max = 0;
    for (int ik = 0; ik < n_kpt; ik++) n_pw_max = sys->basis[ik]->n_pw > n_pw_max ? sys->basis[ik]->n_pw : n_pw_max;
    for (int t = 0; t < (k_parallel ? n_thread : 1); t++) {
        LS_TRY_GOTO(status, dft_ham_work_create(sys, 3 * nb, &hw[t]), done);
        LS_TRY_GOTO(status, dft_eig_work_create(nb, n_pw_max, &ew[t]), done);
    }
    double t0 = ls_wall_time();
    LS_TRY_GOTO(status, dft_scf_alloc_states(sys), done);
    LS_TRY_GOTO(status, dft_start_density(sys->start, sys, sys->rho), done);
    struct dft_potential_energies pe;
    LS_TRY_GOTO(status, dft_potential_compute(sys, sys->rho, sys->veff, NULL, &pe), done);
    LS_TRY_GOTO(status, dft_scf_atomic_start(sys, hw[0]), done);
    double ne = sys->n_electrons > 1 ? sys->n_electrons : 1;
    double ethr = 0.1 * fmin(1e-2, p->conv_thr / ne);
    if (ethr < 1e-13) ethr = 1e-13;
    ls_log_info("non-self-consistent bands: %d k-points, %d bands, threshold %.2g Ry", n_kpt, nb, 2 * ethr);
    for (int task = dist->task_lo; task < dist->task_hi; task++) todo[task] = 1;
    int left = 0, tries = 0;
    for (tries = 1; tries <= 5; tries++) {
        int diag_status = LS_OK;
        char diag_message[LS_ERROR_MESSAGE_MAX] = "";
        left = 0;
#pragma omp parallel for schedule(dynamic, 1) reduction(+ : left) if (k_parallel)
        for (int task = dist->task_lo; task < dist->task_hi; task++) {
            if (!todo[task]) continue;
            int is = task / n_kpt, ik = task % n_kpt, t = 0, h = 0, notconv = 0;
#ifdef _OPENMP
            if (k_parallel) t = omp_get_thread_num();
#endif
            int st = dft_eigensolver_davidson.solve(sys, ik, is, nb, sys->psi[task], sys->eig + (size_t)task * nb, ethr,
                                                    100, hw[t], ew[t], &h, &notconv);
            todo[task] = notconv > 0;
            left += notconv;
            if (st != LS_OK) {
#pragma omp critical(dft_nscf_error)
                {
                    diag_status = st;
                    snprintf(diag_message, sizeof diag_message, "%s", ls_error_message());
                }
            }
        }
        if (diag_status != LS_OK) ls_error_set(diag_status, __FILE__, __LINE__, "%s", diag_message);
        LS_TRY_GOTO(status, ls_comm_agree(ls_comm_world(), diag_status), done);
        dft_dist_sum_pool_ints(dist, &left, 1);
        int any = left;
        ls_comm_max_int(ls_comm_world(), &any, 1); /* every pool's bands converged? */
        if (!any) break;
    }
    dft_dist_gather_tasks(dist, nb, sys->eig);
    rep->n_iter = tries > 5 ? 5 : tries;
    rep->converged = left == 0;
    rep->homo = -INFINITY;
    rep->lumo = INFINITY;
    if (p->calculation == DFT_CALC_NSCF) LS_TRY_GOTO(status, dft_scf_occupy(sys, &rep->homo, &rep->lumo), done);
    rep->wall_s = ls_wall_time() - t0;
    if (!rep->converged)
        status = ls_error_set(LS_ERR_CONVERGENCE, __FILE__, __LINE__, "%d band(s) did not converge to %.2g Ry in 5 x 100 "
                              "Davidson iterations: results kept", left, 2 * ethr);
done:
    for (int t = 0; hw && t < n_thread; t++) dft_ham_work_destroy(hw[t]);
    for (int t = 0; ew && t < n_thread; t++) dft_eig_work_destroy(ew[t]);
    free(hw);
    free(ew);
    free(todo);
    return status;
}
