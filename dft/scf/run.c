/* dft_scf_run: set up, solve, and collect the results (energies, Fermi level, magnetisation,
 * eigenvalues; forces and stress when asked). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "common/err.h"
#include "common/log.h"
#include "common/parallel.h"
#include "dft/dft.h"
#include "common/units.h"
#include "dft/scf/density_file.h"
#include "dft/scf/dist.h"
#include "dft/terms/forces.h"
#include "dft/scf/linalg.h"
#include "dft/scf/moments.h"
#include "dft/scf/run.h"
#include "dft/scf/scf.h"
#include "dft/scf/start.h"
#include "dft/scf/system.h"

void dft_result_destroy(dft_result *r)
{
    if (!r) return;
    free(r->forces);
    free(r->atom_magnetization);
    free(r->atom_sphere_radius);
    free(r->kpoints);
    free(r->kweights);
    free(r->eigenvalues);
    free(r->occupations);
    free(r->site_moment);
    free(r->site_orbital);
    free(r->site_radius);
    free(r);
}

/* Noncollinear results: M, |m|, and the moments in pw.x's spheres (orbital ones with spin-orbit). */
static int collect_noncolin(const dft_system *sys, dft_result *r)
{
    long nr = sys->grid->n_r;
    double dv = sys->omega / (double)nr;
    r->noncolin = 1;
    r->spinorbit = sys->spinorbit;
    r->n_symmetry_trev = sys->n_sym_trev;
    if (sys->n_rho == 4) {
        double m[3] = {0, 0, 0}, am = 0;
        for (long ir = 0; ir < nr; ir++) {
            double x = sys->rho[nr + ir], y = sys->rho[2 * nr + ir], z = sys->rho[3 * nr + ir];
            m[0] += x;
            m[1] += y;
            m[2] += z;
            am += sqrt(x * x + y * y + z * z);
        }
        for (int x = 0; x < 3; x++) r->magnetization[x] = m[x] * dv;
        r->total_magnetization = sqrt(m[0] * m[0] + m[1] * m[1] + m[2] * m[2]) * dv;
        r->absolute_magnetization = am * dv;
    }
    dft_sites *st = NULL;
    LS_TRY(dft_sites_create(sys, &st));
    int na = sys->n_atom, status = LS_OK;
    r->site_moment = calloc((size_t)na, sizeof *r->site_moment);
    r->site_radius = malloc((size_t)na * sizeof *r->site_radius);
    if (sys->spinorbit) r->site_orbital = calloc((size_t)na, sizeof *r->site_orbital);
    if (!r->site_moment || !r->site_radius || (sys->spinorbit && !r->site_orbital))
        status = ls_error_set(LS_ERR_NOMEM, __FILE__, __LINE__, "out of memory");
    if (status == LS_OK) {
        memcpy(r->site_radius, st->radius, (size_t)na * sizeof *r->site_radius);
        dft_sites_moments(sys, st, sys->rho, r->site_moment, NULL);
        if (sys->spinorbit) status = dft_sites_orbital(sys, st, r->site_orbital);
    }
    dft_sites_destroy(st);
    return status;
}

static int collect(const dft_system *sys, const struct dft_scf_report *rep, dft_result *r)
{
    int n_kpt = sys->kpts->n_kpt;
    size_t n_state = (size_t)n_kpt * sys->n_spin * sys->n_band;
    r->converged = rep->converged;
    r->n_iter = rep->n_iter;
    r->energy_free = rep->energy_free;
    r->energy = rep->energy;
    r->minus_ts = sys->minus_ts;
    r->energy_zero_width = 0.5 * (rep->energy + rep->energy_free);
    r->e_kinetic = rep->e_kinetic;
    r->e_local = rep->e_local;
    r->e_nonlocal = rep->e_nonlocal;
    r->e_hartree = rep->e_hartree;
    r->e_xc = rep->e_xc;
    r->e_ewald = sys->e_ewald;
    r->e_band = rep->e_band;
    r->e_alphaz = sys->e_alphaz;
    r->fermi = sys->fermi;
    r->homo = rep->homo;
    r->lumo = rep->lumo;
    r->n_kpt = n_kpt;
    r->n_band = sys->n_band;
    r->n_spin = sys->n_spin;
    r->n_atom = sys->n_atom;
    memcpy(r->fft, sys->grid->n, sizeof r->fft);
    r->n_symmetry = sys->n_sym > 0 ? sys->n_sym : 1;
    r->kpoints = malloc((size_t)n_kpt * sizeof *r->kpoints);
    r->kweights = malloc((size_t)n_kpt * sizeof *r->kweights);
    r->eigenvalues = malloc(n_state * sizeof *r->eigenvalues);
    r->occupations = malloc(n_state * sizeof *r->occupations);
    if (!r->kpoints || !r->kweights || !r->eigenvalues || !r->occupations) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    memcpy(r->kpoints, sys->kpts->k, (size_t)n_kpt * sizeof *r->kpoints);
    memcpy(r->kweights, sys->kpts->weight, (size_t)n_kpt * sizeof *r->kweights);
    memcpy(r->eigenvalues, sys->eig, n_state * sizeof *r->eigenvalues);
    memcpy(r->occupations, sys->occ, n_state * sizeof *r->occupations);
    if (sys->n_spin == 2) {
        long nr = sys->grid->n_r;
        double tot = 0, abs_m = 0;
        for (long ir = 0; ir < nr; ir++) {
            double m = sys->rho[ir] - sys->rho[nr + ir];
            tot += m;
            abs_m += fabs(m);
        }
        double dv = sys->omega / (double)nr;
        r->total_magnetization = tot * dv;
        r->absolute_magnetization = abs_m * dv;
        r->atom_magnetization = malloc((size_t)sys->n_atom * sizeof *r->atom_magnetization);
        r->atom_sphere_radius = malloc((size_t)sys->n_atom * sizeof *r->atom_sphere_radius);
        if (!r->atom_magnetization || !r->atom_sphere_radius) LS_ERROR(LS_ERR_NOMEM, "out of memory");
        LS_TRY(dft_atom_magnetization(sys, r->atom_magnetization, r->atom_sphere_radius));
        r->magnetization[2] = r->total_magnetization;
    }
    if (sys->fsm && !sys->noncolin && sys->smearing) {
        r->has_fsm_fermi = 1;
        r->fermi_up = sys->fermi_up;
        r->fermi_down = sys->fermi_down;
    }
    r->fsm_field = sys->fsm_field;
    r->constraint_energy = sys->e_penalty;
    if (sys->noncolin) LS_TRY(collect_noncolin(sys, r));
    return LS_OK;
}

int dft_scf_run(const dft_params *p, dft_result **out)
{
    return dft_scf_run_ctl(p, NULL, out);
}

int dft_scf_run_ctl(const dft_params *p, const struct dft_run_ctl *ctl, dft_result **out)
{
    *out = NULL;
    if (ctl && ctl->save) *ctl->save = NULL;
    dft_system *sys = NULL;
    dft_result *r = calloc(1, sizeof *r);
    if (!r) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    double t0 = ls_wall_time(), cpu0 = ls_cpu_time(), comm0 = ls_par_comm_seconds(), comm_cpu0 = ls_par_comm_cpu_seconds();
    dft_linalg_init();
    dft_fftw_wisdom_load();
    /* 'nscf' and 'bands': the density of the scf run first (dft/scf/density_file.h) */
    dft_start *density = NULL;
    double fermi_scf = 0;
    if (p->calculation != DFT_CALC_SCF) {
        int st = dft_density_file_read(p->density_file, p, &density, &fermi_scf);
        if (st != LS_OK) {
            free(r);
            return st;
        }
        ls_log_info("density: read from %s (scf Fermi level %.6f eV)", p->density_file, fermi_scf * LS_HARTREE_EV);
    }
    int status = dft_system_create(p, &sys);
    if (status == LS_OK) dft_fftw_wisdom_save();
    if (status != LS_OK) {
        dft_start_destroy(density);
        free(r);
        return status;
    }
    double t_setup = ls_wall_time() - t0;
    if (sys->noncolin)
        ls_log_info("system: %d atoms, %d species, %.4g electrons, %d spinor bands, noncollinear%s%s", sys->n_atom,
                    sys->n_species, sys->n_electrons, sys->n_band, sys->domag ? " magnetic" : " (no magnetisation)",
                    sys->spinorbit ? ", spin-orbit coupling" : "");
    else
        ls_log_info("system: %d atoms, %d species, %.4g electrons, %d bands, %d spin channel%s", sys->n_atom,
                    sys->n_species, sys->n_electrons, sys->n_band, sys->n_spin, sys->n_spin > 1 ? "s" : "");
    ls_log_info("grid: FFT %d x %d x %d, %ld G-vectors in the density sphere; %d k-points (%d symmetry operations)",
                sys->grid->n[0], sys->grid->n[1], sys->grid->n[2], sys->grid->n_g, sys->kpts->n_kpt, sys->n_sym);
    int n_thread = 1;
#ifdef _OPENMP
    n_thread = omp_get_max_threads();
#endif
    dft_dist_log(sys->dist, n_thread);
    if (ctl) {
        sys->start = ctl->start;
        sys->iteration_hook = ctl->iteration_hook;
        sys->iteration_ctx = ctl->iteration_ctx;
    }
    struct dft_scf_report rep;
    double t1 = ls_wall_time();
    int nscf = p->calculation != DFT_CALC_SCF;
    if (nscf) sys->start = density;
    int scf_status = nscf ? dft_nscf_solve(sys, &rep) : dft_scf_solve(sys, &rep);
    double t_scf = ls_wall_time() - t1;
    if (scf_status != LS_OK && scf_status != LS_ERR_CONVERGENCE) {
        dft_system_destroy(sys);
        dft_start_destroy(density);
        free(r);
        return scf_status;
    }
    if (p->calculation == DFT_CALC_BANDS) sys->fermi = fermi_scf; /* no occupations: the scf's level */
    if (!nscf)
        ls_log_info("energy: Harris-Foulkes %.10f Ry, Kohn-Sham at the final density %.10f Ry (difference %.2e Ry)",
                    2 * rep.energy, 2 * rep.energy_ks, 2 * (rep.energy_ks - rep.energy));
    status = collect(sys, &rep, r);
    if (status == LS_OK && ctl && ctl->save && !nscf) status = dft_start_save(sys, ctl->save);
    /* The density for later 'nscf'/'bands' runs; a failure to write it loses nothing of this run. */
    if (status == LS_OK && !nscf && scf_status == LS_OK && p->write_density && p->density_file[0]) {
        if (dft_density_file_write(sys, p->density_file) == LS_OK)
            ls_log_info("density: written to %s (for nscf and bands runs)", p->density_file);
        else
            ls_log_warn("density: not written (%s); nscf and bands runs cannot follow this one", ls_error_message());
    }
    dft_start_destroy(density);
    double t2 = ls_wall_time();
    if (status == LS_OK && p->compute_forces && !nscf) {
        r->forces = calloc((size_t)sys->n_atom, sizeof *r->forces);
        if (!r->forces) status = ls_error_set(LS_ERR_NOMEM, __FILE__, __LINE__, "out of memory");
        else status = dft_forces_compute(sys, r->forces);
    }
    double t3 = ls_wall_time();
    if (status == LS_OK && p->compute_stress && !nscf) {
        status = dft_stress_compute(sys, r->stress);
        r->has_stress = status == LS_OK;
    }
    double t4 = ls_wall_time();
    r->wall_setup_s = t_setup;
    r->wall_scf_s = t_scf;
    r->wall_forces_s = t3 - t2;
    r->wall_stress_s = t4 - t3;
    ls_log_info("time: setup %.2f s, SCF %.2f s, forces %.2f s, stress %.2f s", t_setup, t_scf, t3 - t2, t4 - t3);
    /* pw.x's CPU and WALL; with MPI also the work of the busiest process outside MPI (CPU time,
     * so a loaded machine does not hide the share of the work) and the time in collectives. */
    double cpu = ls_cpu_time() - cpu0;
    ls_log_info("time: total %.2f s wall, %.2f s CPU (rank 0)", ls_wall_time() - t0, cpu);
    if (ls_par_size() > 1 && status == LS_OK) { /* a collective: not after a failure of this rank alone */
        double x[3] = {cpu - (ls_par_comm_cpu_seconds() - comm_cpu0), ls_par_comm_seconds() - comm0, 0};
        x[2] = -x[0];
        ls_comm_max_double(ls_comm_world(), x, 3);
        ls_log_info("time: MPI: %.2f to %.2f s CPU per process outside MPI; up to %.2f s wall in MPI collectives "
                    "(communication, and waiting for the other processes)", -x[2], x[0], x[1]);
    }
    r->wall_s = ls_wall_time() - t0;
    dft_system_destroy(sys);
    if (status != LS_OK) {
        if (ctl && ctl->save) {
            dft_start_destroy(*ctl->save);
            *ctl->save = NULL;
        }
        dft_result_destroy(r);
        return status;
    }
    *out = r;
    if (scf_status == LS_ERR_CONVERGENCE && nscf)
        return ls_error_set(LS_ERR_CONVERGENCE, __FILE__, __LINE__, "non-self-consistent bands: some bands did not "
                            "converge: results kept");
    if (scf_status == LS_ERR_CONVERGENCE) {
        /* Re-record: the forces and stress steps may have cleared nothing, but keep it explicit. */
        return ls_error_set(LS_ERR_CONVERGENCE, __FILE__, __LINE__,
                            "the SCF did not converge in %d iterations (estimated error %.3g Ry): results kept; "
                            "raise the iteration limit, lower the mixing beta, or use more smearing",
                            rep.n_iter, 2 * rep.scf_error);
    }
    return LS_OK;
}
