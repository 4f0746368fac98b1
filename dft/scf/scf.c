/* The self-consistent field loop.
 *
 * Each iteration: diagonalise H[V_in] at every k-point and spin (Davidson, to a threshold
 * that tightens with the SCF error as in pw.x), occupy the states (fixed or smeared), build the
 * output density, evaluate the Kohn-Sham energy functional at that density, estimate the SCF
 * error as the Hartree energy of rho_out - rho_in (pw.x's "estimated scf accuracy"), and mix.
 * W. Kohn, L. J. Sham, Phys. Rev. 140, A1133 (1965), doi:10.1103/PhysRev.140.A1133.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "common/err.h"
#include "common/log.h"
#include "common/parallel.h"
#include "common/rng.h"
#include "common/units.h"
#include "dft/scf/atwfc.h"
#include "dft/scf/density.h"
#include "dft/scf/dist.h"
#include "dft/dft.h"
#include "dft/scf/eigensolver.h"
#include "dft/scf/hamiltonian.h"
#include "dft/scf/linalg.h"
#include "dft/scf/magfield.h"
#include "dft/scf/mixer.h"
#include "dft/terms/nonlocal.h"
#include "dft/terms/potential.h"
#include "dft/scf/scf.h"
#include "dft/scf/start.h"
#include "dft/scf/smearing.h"
#include "dft/scf/tetra.h"

void dft_params_init(dft_params *p)
{
    memset(p, 0, sizeof *p);
    p->use_symmetry = 1;
    p->time_reversal = 1;
    p->kmesh[0] = p->kmesh[1] = p->kmesh[2] = 1;
    p->n_spin = 1;
    p->conv_thr = 0.5e-9;
    p->conv_thr_factor = 1.0;
    p->max_iter = 100;
    p->mixing_beta = 0.3;
    p->mixing_history = 8;
    p->kerker_q0 = 0.0;
    p->compute_forces = 1;
    p->compute_stress = 1;
}

void dft_params_free(dft_params *p)
{
    ls_structure_destroy(p->structure);
    p->structure = NULL;
    free(p->klist);
    p->klist = NULL;
    p->n_klist = 0;
    free(p->occ_input);
    p->occ_input = NULL;
}

int dft_params_copy(const dft_params *src, dft_params *dst)
{
    *dst = *src; /* every field is a value but the structure and the pw.x reader's arrays */
    dst->structure = NULL;
    dst->klist = NULL;
    dst->occ_input = NULL;
    int status = src->structure ? ls_structure_copy(src->structure, &dst->structure) : LS_OK;
    if (status == LS_OK && src->n_klist > 0) { /* explicit k-points */
        dst->klist = malloc((size_t)src->n_klist * sizeof *src->klist);
        if (dst->klist) memcpy(dst->klist, src->klist, (size_t)src->n_klist * sizeof *src->klist);
        else status = ls_error_set(LS_ERR_NOMEM, __FILE__, __LINE__, "out of memory");
    }
    if (status == LS_OK && src->occ_input) { /* occupations given per band */
        size_t n = (size_t)(src->n_spin == 2 ? 2 : 1) * (size_t)src->n_bands;
        dst->occ_input = malloc(n * sizeof *src->occ_input);
        if (dst->occ_input) memcpy(dst->occ_input, src->occ_input, n * sizeof *src->occ_input);
        else status = ls_error_set(LS_ERR_NOMEM, __FILE__, __LINE__, "out of memory");
    }
    if (status != LS_OK) dft_params_free(dst); /* then dst owns nothing */
    return status;
}

/* SplitMix64 (common/rng.h): a seeded, thread-independent random stream for the starting
 * wavefunctions. */
static double rand_unit(uint64_t *state) { return ls_splitmix64_uniform(state); }

static int init_states(dft_system *sys)
{
    int n_kpt = sys->kpts->n_kpt, ns = sys->n_spin, nb = sys->n_band, npol = sys->npol;
    size_t n_state = (size_t)n_kpt * ns * nb;
    sys->psi = calloc((size_t)n_kpt * ns, sizeof *sys->psi);
    sys->eig = calloc(n_state, sizeof *sys->eig);
    sys->occ = calloc(n_state, sizeof *sys->occ);
    sys->rho = calloc((size_t)sys->n_rho * sys->grid->n_r, sizeof *sys->rho);
    sys->veff = calloc((size_t)sys->n_rho * sys->grid->n_r, sizeof *sys->veff);
    if (!sys->psi || !sys->eig || !sys->occ || !sys->rho || !sys->veff) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    for (int is = 0; is < ns; is++)
        for (int ik = 0; ik < n_kpt; ik++) {
            const dft_basis *b = sys->basis[ik];
            double complex *p = malloc((size_t)nb * npol * b->n_pw * sizeof *p);
            if (!p) LS_ERROR(LS_ERR_NOMEM, "out of memory for the wavefunctions");
            sys->psi[is * n_kpt + ik] = p;
            /* Random coefficients damped by 1/(1 + |k+G|^2): smooth, non-degenerate starts (both
             * spinor components alike). */
            uint64_t state = 0x5DEECE66DULL + 7919ULL * (uint64_t)(is * n_kpt + ik);
            for (int ib = 0; ib < nb * npol; ib++)
                for (int ig = 0; ig < b->n_pw; ig++) {
                    double re = rand_unit(&state) - 0.5, im = rand_unit(&state) - 0.5;
                    p[(size_t)ib * b->n_pw + ig] = (re + I * im) / (1.0 + 2.0 * b->kin[ig]);
                }
        }
    return LS_OK;
}

/* Starting wavefunctions as pw.x's 'atomic+random': the lowest states of H[V_in] in the span of
 * the pseudo-atomic orbitals, completed by random vectors when there are fewer orbitals than
 * bands (or none, e.g. GTH potentials).  Leaves the random start in place on failure. */
static int atomic_start(dft_system *sys, dft_ham_work *hw)
{
    int n_kpt = sys->kpts->n_kpt, nb = sys->n_band;
    int n_at = 0;
    for (int a = 0; a < sys->n_atom; a++) {
        const dft_pseudo *ps = sys->pseudo[sys->species_of[a]];
        for (int i = 0; i < ps->n_chi; i++) n_at += 2 * ps->chi_l[i] + 1;
    }
    if (n_at == 0) return LS_OK;
    int npol = sys->npol;
    n_at *= npol; /* spinors: each orbital with spin up, and with spin down */
    int n_extra = nb > n_at ? nb - n_at + 4 : 0;
    for (int is = 0; is < sys->n_spin; is++)
        for (int ik = 0; ik < n_kpt; ik++) {
            if (!dft_dist_owns(sys->dist, is * n_kpt + ik)) continue; /* another pool's task */
            const dft_basis *b = sys->basis[ik];
            int npw = dft_system_npw(sys, ik);
            int n_vec = n_at + n_extra;
            if (n_vec > npw) n_vec = npw;
            double complex *v = malloc((size_t)n_vec * npw * sizeof *v);
            if (!v) LS_ERROR(LS_ERR_NOMEM, "out of memory for the starting wavefunctions");
            int n = 0;
            int status = dft_atomic_orbitals(sys, ik, n_vec / npol, v, &n, NULL);
            if (status == LS_OK && npol == 2) {
                /* (phi, 0) and (0, phi), from the last orbital down so nothing is overwritten. */
                for (int j = n - 1; j >= 0; j--) {
                    double complex *o = v + (size_t)j * b->n_pw;
                    double complex *up = v + (size_t)(2 * j) * npw, *dn = v + (size_t)(2 * j + 1) * npw;
                    memmove(dn + b->n_pw, o, (size_t)b->n_pw * sizeof *v);
                    memset(dn, 0, (size_t)b->n_pw * sizeof *v);
                    memcpy(up, dn + b->n_pw, (size_t)b->n_pw * sizeof *v);
                    memset(up + b->n_pw, 0, (size_t)b->n_pw * sizeof *v);
                }
                n *= 2;
            }
            /* pw.x's 'atomic+random' multiplies each coefficient by 1 + 0.05 r e^{i phi}: without
             * it the start keeps the atoms' symmetry exactly and Davidson can miss a root of
             * another character for good, which a non-self-consistent run (the force theorem)
             * never recovers.  Done for spinors and non-self-consistent runs, so that the
             * collinear self-consistent path stays as it was. */
            if (status == LS_OK && (npol == 2 || sys->nscf)) {
                uint64_t state = 0x2545F4914F6CDD1DULL + 104729ULL * (uint64_t)(is * n_kpt + ik);
                for (size_t i = 0; i < (size_t)n * npw; i++) {
                    double rr = rand_unit(&state), arg = 2 * M_PI * rand_unit(&state);
                    v[i] *= 1 + 0.05 * rr * (cos(arg) + I * sin(arg));
                }
            }
            /* Complete with the random vectors already in psi. */
            const double complex *rnd = sys->psi[is * n_kpt + ik];
            for (int j = 0; status == LS_OK && n < n_vec && j < nb; j++, n++)
                memcpy(v + (size_t)n * npw, rnd + (size_t)j * npw, (size_t)npw * sizeof *v);
            if (status == LS_OK)
                status = dft_subspace_start(sys, ik, is, n, v, nb, sys->psi[is * n_kpt + ik],
                                            sys->eig + ((size_t)is * n_kpt + ik) * nb, hw);
            free(v);
            if (status != LS_OK) return status;
        }
    return LS_OK;
}

static int occupy(dft_system *sys, double *homo, double *lumo)
{
    int n_kpt = sys->kpts->n_kpt, done;
    *homo = -INFINITY;
    *lumo = INFINITY;
    LS_TRY(dft_magfield_occupy(sys, homo, lumo, &done)); /* a fixed spin moment */
    if (done) return LS_OK;
    if (sys->smearing) {
        sys->minus_ts = 0;
        return dft_smearing_occupy(sys->smearing, sys->sigma, n_kpt, sys->n_spin, sys->n_band, sys->eig,
                                   sys->kpts->weight, sys->max_occ, sys->n_electrons, &sys->fermi, sys->occ,
                                   &sys->minus_ts);
    }
    if (sys->tetra) {
        sys->minus_ts = 0; /* pw.x: no entropy term with tetrahedra */
        return dft_tetra_occupy(sys->tetra, n_kpt, sys->n_spin, sys->n_band, sys->eig, sys->kpts->weight,
                                sys->max_occ, sys->n_electrons, &sys->fermi, sys->occ);
    }
    const double *given = sys->params->occ_input;
    if (given) { /* pw.x's from_input: the same occupations at every k-point */
        int nb = sys->n_band;
        for (int is = 0; is < sys->n_spin; is++)
            for (int ik = 0; ik < n_kpt; ik++)
                for (int ib = 0; ib < nb; ib++) {
                    size_t i = ((size_t)is * n_kpt + ik) * nb + ib;
                    sys->occ[i] = given[is * nb + ib];
                    if (given[is * nb + ib] > 0) *homo = fmax(*homo, sys->eig[i]);
                    else *lumo = fmin(*lumo, sys->eig[i]);
                }
        sys->fermi = *homo;
        sys->minus_ts = 0;
        return LS_OK;
    }
    double per_spin[2] = {sys->n_electrons / sys->n_spin, sys->n_electrons / sys->n_spin};
    LS_TRY(dft_occupations_fixed(n_kpt, sys->n_spin, sys->n_band, sys->eig, per_spin, sys->max_occ, sys->occ, homo, lumo));
    sys->fermi = *homo;
    sys->minus_ts = 0;
    return LS_OK;
}

/* Kinetic and nonlocal energies of the occupied states (this rank's tasks and bands, summed
 * over the ranks). */
static void band_energies(const dft_system *sys, dft_ham_work *hw, double *ekin, double *enl)
{
    int n_kpt = sys->kpts->n_kpt, nb = sys->n_band;
    double ek = 0, en = 0;
    int b_lo, b_hi;
    dft_dist_pool_share(sys->dist, nb, &b_lo, &b_hi);
    int npol = sys->npol;
    for (int is = 0; is < sys->n_spin; is++)
        for (int ik = 0; ik < n_kpt; ik++) {
            if (!dft_dist_owns(sys->dist, is * n_kpt + ik)) continue;
            const dft_basis *b = sys->basis[ik];
            int npw = dft_system_npw(sys, ik);
            const double complex *psi = sys->psi[is * n_kpt + ik];
            for (int n0 = b_lo; n0 < b_hi; n0 += hw->max_vec) {
                int cnt = b_hi - n0 < hw->max_vec ? b_hi - n0 : hw->max_vec;
                /* Spinors: 2 cnt vectors of n_pw, becp[2j + s]. */
                dft_nonlocal_project(sys, ik, npol * cnt, psi + (size_t)n0 * npw, hw->becp);
                for (int j = 0; j < cnt; j++) {
                    int ib = n0 + j;
                    double f = sys->occ[((size_t)is * n_kpt + ik) * nb + ib] * b->weight;
                    if (f == 0) continue;
                    const double complex *p = psi + (size_t)ib * npw;
                    double t = 0;
                    for (int c = 0; c < npol; c++)
                        for (int ig = 0; ig < b->n_pw; ig++) {
                            double complex x = p[c * b->n_pw + ig];
                            t += b->kin[ig] * (creal(x) * creal(x) + cimag(x) * cimag(x));
                        }
                    ek += f * t;
                    const double complex *bj = hw->becp + (size_t)npol * j * sys->n_proj_total;
                    if (sys->spinorbit) en += f * dft_nonlocal_energy_band_so(sys, bj);
                    else
                        for (int c = 0; c < npol; c++) en += f * dft_nonlocal_energy_band(sys, bj + (size_t)c * sys->n_proj_total);
                }
            }
        }
    double e[2] = {ek, en};
    ls_comm_sum_double(ls_comm_world(), e, 2);
    *ekin = e[0];
    *enl = e[1];
}

/* Density (n_spin real fields) <-> mixing vector on the sphere (total, magnetisation). */
static void rho_to_vec(const dft_system *sys, const double *rho, double complex *vec, double complex *work, double *tmp)
{
    const dft_grid *g = sys->grid;
    long nr = g->n_r;
    if (sys->noncolin) { /* (n, mx, my, mz) as they are */
        for (int c = 0; c < sys->n_rho; c++) dft_grid_field_to_sphere(g, rho + (size_t)c * nr, vec + (size_t)c * g->n_g, work);
        return;
    }
    if (sys->n_spin == 1) {
        dft_grid_field_to_sphere(g, rho, vec, work);
        return;
    }
    for (long ir = 0; ir < nr; ir++) tmp[ir] = rho[ir] + rho[nr + ir];
    dft_grid_field_to_sphere(g, tmp, vec, work);
    for (long ir = 0; ir < nr; ir++) tmp[ir] = rho[ir] - rho[nr + ir];
    dft_grid_field_to_sphere(g, tmp, vec + g->n_g, work);
}

static void vec_to_rho(const dft_system *sys, const double complex *vec, double *rho, double complex *work, double *tmp)
{
    const dft_grid *g = sys->grid;
    long nr = g->n_r;
    if (sys->noncolin) {
        for (int c = 0; c < sys->n_rho; c++) dft_grid_sphere_to_field(g, vec + (size_t)c * g->n_g, rho + (size_t)c * nr, work);
        return;
    }
    if (sys->n_spin == 1) {
        dft_grid_sphere_to_field(g, vec, rho, work);
        return;
    }
    dft_grid_sphere_to_field(g, vec, rho, work);
    dft_grid_sphere_to_field(g, vec + g->n_g, tmp, work);
    for (long ir = 0; ir < nr; ir++) {
        double t = rho[ir], m = tmp[ir];
        rho[ir] = 0.5 * (t + m);
        rho[nr + ir] = 0.5 * (t - m);
    }
}

int dft_scf_solve(dft_system *sys, struct dft_scf_report *rep)
{
    const dft_params *p = sys->params;
    const dft_grid *g = sys->grid;
    /* ns: spin channels of the k-point loop; nc: density components (n_rho). */
    int n_kpt = sys->kpts->n_kpt, ns = sys->n_spin, nb = sys->n_band, nc = sys->n_rho;
    long nr = g->n_r;
    int status = LS_OK;
    dft_ham_work *hw = NULL;
    dft_eig_work *ew = NULL;
    /* One workspace per thread for diagonalising k-points in parallel. */
    int n_thread = 1;
#ifdef _OPENMP
    n_thread = omp_get_max_threads();
#endif
    /* MPI: this rank's pool diagonalises tasks [task_lo, task_hi) (dft/scf/dist.h); in a pool of
     * several ranks the bands of each H application are shared, so no threads over k-points. */
    const dft_dist *dist = sys->dist;
    int k_parallel = n_thread > 1 && dist->task_hi - dist->task_lo >= 2 && dist->pool_size == 1;
    dft_ham_work **hw_t = calloc((size_t)n_thread, sizeof *hw_t);
    dft_eig_work **ew_t = calloc((size_t)n_thread, sizeof *ew_t);
    dft_mixer *mixer = NULL;
    double complex *work = fftw_malloc((size_t)nr * sizeof *work);
    double complex *vin = malloc((size_t)nc * g->n_g * sizeof *vin);
    double complex *vout = malloc((size_t)nc * g->n_g * sizeof *vout);
    double *rho_out = malloc((size_t)nc * nr * sizeof *rho_out);
    double *tmp = malloc((size_t)nr * sizeof *tmp);
    memset(rep, 0, sizeof *rep);
    if (!work || !vin || !vout || !rho_out || !tmp) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    int n_pw_max = 0;
    for (int ik = 0; ik < n_kpt; ik++) n_pw_max = dft_system_npw(sys, ik) > n_pw_max ? dft_system_npw(sys, ik) : n_pw_max;
    if (!hw_t || !ew_t) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    LS_TRY_GOTO(status, dft_ham_work_create(sys, 3 * nb, &hw), done);
    LS_TRY_GOTO(status, dft_eig_work_create(nb, n_pw_max, &ew), done);
    hw_t[0] = hw;
    ew_t[0] = ew;
    for (int t = 1; k_parallel && t < n_thread; t++) {
        LS_TRY_GOTO(status, dft_ham_work_create(sys, 3 * nb, &hw_t[t]), done);
        LS_TRY_GOTO(status, dft_eig_work_create(nb, n_pw_max, &ew_t[t]), done);
    }
    LS_TRY_GOTO(status, dft_mixer_create(g, nc, p->mixing_beta, p->mixing_history, p->kerker_q0, &mixer), done);
    LS_TRY_GOTO(status, init_states(sys), done);

    if (sys->rho_init) memcpy(sys->rho, sys->rho_init, (size_t)nc * nr * sizeof *sys->rho); /* given density */
    else if (sys->start) LS_TRY_GOTO(status, dft_start_density(sys->start, sys, sys->rho), done);
    else LS_TRY_GOTO(status, dft_density_atomic(sys, sys->rho), done);
    struct dft_potential_energies pe;
    LS_TRY_GOTO(status, dft_potential_compute(sys, sys->rho, sys->veff, NULL, &pe), done);
    LS_TRY_GOTO(status, dft_magfield_add(sys, sys->rho, sys->veff), done);
    rho_to_vec(sys, sys->rho, vin, work, tmp);
    int restarted = 0;
    if (sys->start) LS_TRY_GOTO(status, dft_start_states(sys->start, sys, hw, &restarted), done);
    if (!restarted) LS_TRY_GOTO(status, atomic_start(sys, hw), done);
    ls_log_info("start: %s density, %s wavefunctions", sys->start ? "previous (extrapolated)" : "atomic",
                restarted ? "previous" : "atomic-orbital");

    /* pw.x's thresholds: 1e-2 from scratch, 1e-6 from a previous solution; non-self-consistent
     * (pw.x nscf): 0.1 min(1e-2, conv_thr / N) at once. */
    double ethr = restarted ? 1e-6 : 1e-2, e_prev = 0;
    if (sys->nscf) {
        ethr = 0.1 * fmin(1e-2, p->conv_thr / (sys->n_electrons > 1 ? sys->n_electrons : 1));
        if (ethr < 1e-13) ethr = 1e-13;
    }
    double t0 = ls_wall_time();
    ls_log_info("%4s %22s %12s %12s %9s %8s", "iter", "free energy (Ry)", "dE (Ry)", "scf err (Ry)",
                nc > 1 ? "mag (muB)" : "", "time (s)");
    int converged = 0;
    for (int iter = 1; iter <= p->max_iter; iter++) {
        int n_hpsi = 0, notconv_total = 0;
        int diag_status = LS_OK;
        char diag_message[LS_ERROR_MESSAGE_MAX] = "";
        int max_dav = sys->nscf ? 100 : iter == 1 && !restarted ? 60 : 25;
        /* k-points (and spins) are independent: with several, each thread takes whole k-points
         * (nested regions inside are serial); with one, the bands and GEMMs are threaded. */
#pragma omp parallel for schedule(dynamic, 1) reduction(+ : n_hpsi, notconv_total) if (k_parallel)
        for (int task = dist->task_lo; task < dist->task_hi; task++) {
            int is = task / n_kpt, ik = task % n_kpt, t = 0;
#ifdef _OPENMP
            if (k_parallel) t = omp_get_thread_num();
#endif
            int notconv = 0, h = 0;
            int st = dft_eigensolver_davidson.solve(sys, ik, is, nb, sys->psi[is * n_kpt + ik],
                                                    sys->eig + ((size_t)is * n_kpt + ik) * nb, ethr, max_dav,
                                                    hw_t[t], ew_t[t], &h, &notconv);
            n_hpsi += h;
            notconv_total += notconv;
            if (sys->spin_proj) dft_magfield_spin_proj(sys, ik);
            if (st != LS_OK) {
#pragma omp critical(dft_scf_error)
                {
                    diag_status = st;
                    snprintf(diag_message, sizeof diag_message, "%s", ls_error_message());
                }
            }
        }
        /* Pools: one status for all, every task's eigenvalues on every rank, global counts. */
        if (diag_status != LS_OK) ls_error_set(diag_status, __FILE__, __LINE__, "%s", diag_message);
        LS_TRY_GOTO(status, ls_comm_agree(ls_comm_world(), diag_status), done);
        dft_dist_gather_tasks(dist, nb, sys->eig);
        if (sys->spin_proj) dft_dist_gather_tasks(dist, nb, sys->spin_proj);
        dft_dist_sum_pool_ints(dist, &notconv_total, 1);
        double homo, lumo;
        LS_TRY_GOTO(status, occupy(sys, &homo, &lumo), done);
        if (sys->nscf) {
            /* Non-self-consistent: the density stays; diagonalise again until every band has
             * converged (pw.x's c_bands_nscf), then the band energy of these occupations. */
            double eb = 0;
            for (int is = 0; is < ns; is++)
                for (int ik = 0; ik < n_kpt; ik++)
                    for (int ib = 0; ib < nb; ib++) {
                        size_t i = ((size_t)is * n_kpt + ik) * nb + ib;
                        eb += sys->occ[i] * sys->basis[ik]->weight * sys->eig[i];
                    }
            ls_log_info("%4d non-self-consistent: band energy %.12f Ry, %d bands not converged", iter, 2 * eb, notconv_total);
            rep->n_iter = iter;
            rep->e_band = eb;
            rep->homo = homo;
            rep->lumo = lumo;
            converged = notconv_total == 0;
            ls_comm_bcast(ls_comm_world(), &converged, sizeof converged, 0);
            if (converged) break;
            continue;
        }
        LS_TRY_GOTO(status, dft_density_from_states(sys, rho_out), done);
        rho_to_vec(sys, rho_out, vout, work, tmp);
        double dr2 = dft_mixer_residual_norm(mixer, vin, vout);

        /* Harris-Foulkes estimate from the input density's potential (pw.x's expression):
         * E = sum f e - int (v_H + v_xc)[rho_in] rho_in + E_H[rho_in] + E_xc[rho_in] + E_ewald,
         * equal to the Kohn-Sham energy at self-consistency, with a second-order error before. */
        double eband = 0;
        for (int is = 0; is < ns; is++)
            for (int ik = 0; ik < n_kpt; ik++)
                for (int ib = 0; ib < nb; ib++) {
                    size_t i = ((size_t)is * n_kpt + ik) * nb + ib;
                    eband += sys->occ[i] * sys->basis[ik]->weight * sys->eig[i];
                }
        double e_ks = eband - pe.vh_rho - pe.vxc_rho + pe.hartree + pe.xc + sys->e_ewald;
        e_ks -= sys->e_ext_rho; /* fixed-moment and constraint fields: in the eigenvalues, not in E */
        double f_ks = e_ks + sys->minus_ts;
        double mag = 0;
        if (nc == 2) {
            for (long ir = 0; ir < nr; ir++) mag += rho_out[ir] - rho_out[nr + ir];
            mag *= sys->omega / (double)nr;
        } else if (nc == 4) { /* |M| of the vector */
            double m[3] = {0, 0, 0};
            for (int c = 0; c < 3; c++)
                for (long ir = 0; ir < nr; ir++) m[c] += rho_out[(size_t)(c + 1) * nr + ir];
            mag = sqrt(m[0] * m[0] + m[1] * m[1] + m[2] * m[2]) * sys->omega / (double)nr;
        }
        ls_log_info("%4d %22.12f %12.3e %12.3e %9.4f %8.2f", iter, 2 * f_ks, 2 * (f_ks - e_prev), 2 * dr2,
                    mag, ls_wall_time() - t0);
        if (notconv_total) ls_log_info("     %d eigenvalues not converged to %.1e Ry", notconv_total, 2 * ethr);
        rep->n_iter = iter;
        rep->energy_free = f_ks;
        rep->energy = e_ks;
        rep->e_band = eband;
        rep->scf_error = dr2;
        rep->homo = homo;
        rep->lumo = lumo;
        e_prev = f_ks;
        /* One decision for all ranks (their numbers agree; this keeps them in step regardless). */
        converged = dr2 < p->conv_thr * (p->conv_thr_factor > 0 ? p->conv_thr_factor : 1.0) && notconv_total == 0 &&
                    iter > 1;
        ls_comm_bcast(ls_comm_world(), &converged, sizeof converged, 0);
        if (converged) break;
        LS_TRY_GOTO(status, dft_mixer_mix(mixer, vin, vout), done);
        vec_to_rho(sys, vin, sys->rho, work, tmp);
        LS_TRY_GOTO(status, dft_potential_compute(sys, sys->rho, sys->veff, NULL, &pe), done);
        LS_TRY_GOTO(status, dft_magfield_add(sys, sys->rho, sys->veff), done);
        if (sys->iteration_hook) LS_TRY_GOTO(status, sys->iteration_hook(sys->iteration_ctx, sys, iter), done);
        /* Tighten the diagonalisation with the SCF error (pw.x's rule). */
        double ne = sys->n_electrons > 1 ? sys->n_electrons : 1;
        double target = 0.1 * dr2 / ne; /* pw.x: 0.1 dr2 / N in Ry; the same ratio in Ha */
        if (target < ethr) ethr = target;
        if (ethr < 1e-13) ethr = 1e-13;
    }
    rep->converged = converged;
    if (sys->nscf) { /* the density and potential stay those given */
        rep->wall_s = ls_wall_time() - t0;
        if (!converged)
            status = ls_error_set(LS_ERR_CONVERGENCE, __FILE__, __LINE__,
                                  "the non-self-consistent diagonalisation did not converge in %d passes", p->max_iter);
        goto done;
    }
    /* The final state: the output density of the last diagonalisation (consistent with the
     * wavefunctions, as forces and stress need), its potential, and the Kohn-Sham energy
     * terms evaluated there. */
    memcpy(sys->rho, rho_out, (size_t)nc * nr * sizeof *rho_out);
    LS_TRY_GOTO(status, dft_potential_compute(sys, sys->rho, sys->veff, NULL, &pe), done);
    LS_TRY_GOTO(status, dft_magfield_add(sys, sys->rho, sys->veff), done);
    {
        double ekin, enl, eloc = 0;
        band_energies(sys, hw, &ekin, &enl);
        for (long ig = 0; ig < g->n_g; ig++) eloc += creal(conj(sys->vloc_g[ig]) * vout[ig]);
        eloc *= sys->omega;
        rep->e_kinetic = ekin;
        rep->e_nonlocal = enl;
        rep->e_local = eloc;
        rep->e_hartree = pe.hartree;
        rep->e_xc = pe.xc;
        rep->energy_ks = ekin + enl + eloc + pe.hartree + pe.xc + sys->e_ewald;
    }
    rep->wall_s = ls_wall_time() - t0;
    if (!converged) {
        status = ls_error_set(LS_ERR_CONVERGENCE, __FILE__, __LINE__,
                              "the SCF did not converge in %d iterations (estimated error %.3g Ry, threshold %.3g Ry): "
                              "raise max_iter / electron_maxstep, lower the mixing beta, or use more smearing",
                              p->max_iter, 2 * rep->scf_error, 2 * p->conv_thr);
    }
done:
    for (int t = 0; t < n_thread; t++) {
        if (hw_t) dft_ham_work_destroy(hw_t[t]);
        if (ew_t) dft_eig_work_destroy(ew_t[t]);
    }
    if (!hw_t) dft_ham_work_destroy(hw);
    if (!ew_t) dft_eig_work_destroy(ew);
    free(hw_t);
    free(ew_t);
    dft_mixer_destroy(mixer);
    fftw_free(work);
    free(vin);
    free(vout);
    free(rho_out);
    free(tmp);
    return status;
}

/* For the non-self-consistent runs (dft/scf/nscf.c): the same state allocation, starting
 * wavefunctions and occupations as the SCF. */
int dft_scf_alloc_states(dft_system *sys)
{
    return init_states(sys);
}

int dft_scf_atomic_start(dft_system *sys, dft_ham_work *hw)
{
    return atomic_start(sys, hw);
}

int dft_scf_occupy(dft_system *sys, double *homo, double *lumo)
{
    return occupy(sys, homo, lumo);
}
