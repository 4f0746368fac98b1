/* Forces and stress are the derivatives of the energy, by finite differences of full SCF runs.
 *
 *   F_a,x = -dF/dtau_a,x        central differences, atom displaced by +-h (h = 1e-3 bohr)
 *   sigma_ab = (1/Omega) dF/d eps_ab   central differences in a symmetric strain eps_ab =
 *                                      eps_ba = +-e (e = 1e-4), cell and positions strained
 *                                      together (fractional coordinates fixed)
 * with F the free energy E - TS (the variational functional with smearing), at conv_thr 1e-13
 * Ha.  A fixed plane-wave cutoff makes E jump when a plane wave crosses the cutoff sphere, so
 * every strained run must have the same number of plane waves at every k-point and the same
 * density sphere as the reference (checked), and the FFT grid is held at the reference's.
 * The finite-difference error (O(h^2) and the SCF noise over 2h) is below 1e-8 Ha/bohr and
 * 1e-10 Ha/bohr^3; the tolerances (2e-6 Ha/bohr, 1e-8 Ha/bohr^3 ~ 0.3 MPa) sit well above
 * that and well below the forces (1e-2) and stresses (1e-4) checked.  Every comparison is
 * printed.
 *
 * Cases (2 atoms, low-symmetry cells so that every component is non-zero, low cutoffs so one
 * SCF takes about a second; the PBE pseudopotentials of inputs/pseudo/pd04-pbe-sr are run
 * with LDA too, which is fine for a consistency test):
 *   si-lda   Si, LDA, fixed occupations, triclinic cell, one atom displaced
 *   si-pbe   the same with PBE
 *   al-mv    Al, PBE, Marzari-Vanderbilt smearing (0.02 Ha), distorted cubic cell
 *   o2-fd    O2 in an orthorhombic box, PBE, nspin 2 (1.93 muB), Fermi-Dirac (0.01 Ha), at
 *            25.1 Ha; stress along one generic strain only (each run takes ~2 s).  At 15.1 Ha
 *            the forces of this case disagree by 1e-5 Ha/bohr (2e-5 with LDA, no spin; 1e-6
 *            at 20 Ha, 7e-8 at 25 Ha): not explained yet, see the branch report.
 * Also: at convergence the Harris-Foulkes and Kohn-Sham energies agree (1e-10 Ha), and on Si
 * with an atom displaced along [111] (C3v, 6 operations kept) use_symmetry 0 and 1 give the
 * same energy (1e-10 Ha), forces (1e-7 Ha/bohr) and stress (1e-9 Ha/bohr^3): forces and
 * stress are first order in the SCF residual (measured 2e-8 and 2e-10 at conv_thr 1e-13,
 * 1.2e-8 and 6e-11 at 1e-15).
 * LODESTONE_TEST_QUICK (the sanitizer run): si-lda at one k-point, one displacement direction
 * and one strain direction (generic, so every component contributes).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/log.h"
#include "common/test.h"
#include "dft/dft.h"
#include "dft/terms/forces.h"
#include "dft/scf/scf.h"
#include "dft/scf/system.h"

#define N_ATOM 2
#define MAX_KPT 64

static int quick = 0;

struct fd_case {
    const char *name;
    const char *element;
    double cell[3][3];      /* bohr, rows */
    double frac[N_ATOM][3];
    const char *functional;
    double ecut;            /* Ha */
    int kmesh[3];
    const char *smearing;   /* NULL = fixed occupations */
    double width;           /* Ha */
    int n_spin;
    double start_mag;
};

static const struct fd_case cases[] = {
    {"si-lda", "Si", {{0.12, 5.21, 5.07}, {5.02, -0.08, 5.19}, {5.16, 5.11, 0.21}},
     {{0.013, -0.021, 0.017}, {0.262, 0.243, 0.251}}, "LDA", 6.46, {2, 2, 2}, NULL, 0, 1, 0},
    {"si-pbe", "Si", {{0.12, 5.21, 5.07}, {5.02, -0.08, 5.19}, {5.16, 5.11, 0.21}},
     {{0.013, -0.021, 0.017}, {0.262, 0.243, 0.251}}, "PBE", 6.46, {2, 2, 2}, NULL, 0, 1, 0},
    {"al-mv", "Al", {{7.71, 0.13, -0.09}, {0.21, 7.58, 0.11}, {-0.06, 0.17, 7.83}},
     {{0.011, 0.007, -0.013}, {0.487, 0.516, 0.508}}, "PBE", 6.26, {2, 2, 2}, "marzari-vanderbilt", 0.02, 1, 0},
    {"o2-fd", "O", {{6.53, 0.0, 0.0}, {0.0, 6.91, 0.0}, {0.0, 0.0, 7.32}}, {{0.41, 0.43, 0.39}, {0.611, 0.570, 0.590}},
     "PBE", 25.1, {1, 1, 1}, "fermi-dirac", 0.01, 2, 0.5},
};

struct run_out {
    double energy;           /* free energy F = E - TS (Harris-Foulkes, last iteration), Ha */
    double energy_ks;        /* Kohn-Sham functional at the final density, - TS */
    double forces[N_ATOM][3];
    double stress[3][3];
    double omega, magnetization;
    int n_iter, n_sym, n_kpt;
    int n_pw[MAX_KPT];
    long n_g;
    int fft[3];
};

static int case_params(const struct fd_case *c, const double cell[3][3], const double (*pos)[3], const int fft[3],
                       dft_params *p)
{
    dft_params_init(p);
    LS_TRY(ls_structure_create(N_ATOM, &p->structure));
    memcpy(p->structure->cell, cell, sizeof p->structure->cell);
    for (int a = 0; a < N_ATOM; a++) {
        LS_TRY(ls_structure_set_species(p->structure, a, c->element));
        memcpy(p->structure->pos[a], pos[a], sizeof p->structure->pos[a]);
    }
    p->n_species = 1;
    snprintf(p->species[0].label, sizeof p->species[0].label, "%s", c->element);
    snprintf(p->species[0].pseudo, sizeof p->species[0].pseudo, "inputs/pseudo/pd04-pbe-sr/%s.upf", c->element);
    p->species[0].starting_magnetization = c->start_mag;
    snprintf(p->functional, sizeof p->functional, "%s", c->functional);
    p->ecut_wfc = c->ecut;
    memcpy(p->kmesh, c->kmesh, sizeof p->kmesh);
    if (quick) p->kmesh[0] = p->kmesh[1] = p->kmesh[2] = 1;
    if (fft) memcpy(p->fft, fft, sizeof p->fft);
    if (c->smearing) {
        p->occupations = DFT_OCC_SMEARING;
        snprintf(p->smearing, sizeof p->smearing, "%s", c->smearing);
        p->smearing_width = c->width;
    }
    p->n_spin = c->n_spin;
    p->conv_thr = 1e-13;
    p->max_iter = 100;
    return LS_OK;
}

/* One SCF through the internal interface (so the plane-wave counts and both energies are
 * at hand); forces and stress as dft_scf_run computes them. */
static int run(const dft_params *p, int want_derivatives, struct run_out *o)
{
    dft_system *sys = NULL;
    memset(o, 0, sizeof *o);
    LS_TRY(dft_system_create(p, &sys));
    struct dft_scf_report rep;
    int status = dft_scf_solve(sys, &rep);
    if (status == LS_OK && want_derivatives) status = dft_forces_compute(sys, o->forces);
    if (status == LS_OK && want_derivatives) status = dft_stress_compute(sys, o->stress);
    o->energy = rep.energy_free;
    o->energy_ks = rep.energy_ks + sys->minus_ts;
    o->omega = sys->omega;
    o->n_iter = rep.n_iter;
    o->n_sym = sys->n_sym;
    o->n_kpt = sys->kpts->n_kpt;
    for (int ik = 0; ik < sys->kpts->n_kpt && ik < MAX_KPT; ik++) o->n_pw[ik] = sys->basis[ik]->n_pw;
    o->n_g = sys->grid->n_g;
    memcpy(o->fft, sys->grid->n, sizeof o->fft);
    if (sys->n_spin == 2) {
        long nr = sys->grid->n_r;
        double m = 0;
        for (long ir = 0; ir < nr; ir++) m += sys->rho[ir] - sys->rho[nr + ir];
        o->magnetization = m * sys->omega / (double)nr;
    }
    dft_system_destroy(sys);
    return status;
}

static void cart_positions(const double cell[3][3], const double (*frac)[3], double (*pos)[3])
{
    for (int a = 0; a < N_ATOM; a++)
        for (int d = 0; d < 3; d++) pos[a][d] = frac[a][0] * cell[0][d] + frac[a][1] * cell[1][d] + frac[a][2] * cell[2][d];
}

/* Free energy with the atoms displaced by t * u (u[N_ATOM][3]), cell fixed. */
static int energy_displaced(const struct fd_case *c, const int fft[3], const double (*u)[3], double t, double *e)
{
    double pos[N_ATOM][3];
    cart_positions(c->cell, c->frac, pos);
    for (int a = 0; a < N_ATOM; a++)
        for (int d = 0; d < 3; d++) pos[a][d] += t * u[a][d];
    dft_params p;
    struct run_out o;
    int status = case_params(c, c->cell, (const double(*)[3])pos, fft, &p);
    if (status == LS_OK) status = run(&p, 0, &o);
    dft_params_free(&p);
    *e = o.energy;
    return status;
}

/* Free energy with cell and positions strained by (I + t eps); *same_basis is cleared if the
 * plane-wave counts or the density sphere differ from ref. */
static int energy_strained(const struct fd_case *c, const struct run_out *ref, const double eps[3][3], double t,
                           double *e, int *same_basis)
{
    double cell[3][3], frac_pos[N_ATOM][3], pos[N_ATOM][3];
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            cell[i][j] = c->cell[i][j];
            for (int k = 0; k < 3; k++) cell[i][j] += t * c->cell[i][k] * eps[k][j];
        }
    memcpy(frac_pos, c->frac, sizeof frac_pos);
    cart_positions(cell, (const double(*)[3])frac_pos, pos);
    dft_params p;
    struct run_out o;
    int status = case_params(c, (const double(*)[3])cell, (const double(*)[3])pos, ref->fft, &p);
    if (status == LS_OK) status = run(&p, 0, &o);
    dft_params_free(&p);
    *e = o.energy;
    if (status == LS_OK) {
        if (o.n_kpt != ref->n_kpt || o.n_g != ref->n_g) *same_basis = 0;
        for (int ik = 0; ik < o.n_kpt && ik < MAX_KPT; ik++)
            if (o.n_pw[ik] != ref->n_pw[ik]) *same_basis = 0;
    }
    return status;
}

static void reference_run(const struct fd_case *c, struct run_out *ref)
{
    double pos[N_ATOM][3];
    cart_positions(c->cell, c->frac, pos);
    dft_params p;
    LS_CHECK_OK(case_params(c, c->cell, (const double(*)[3])pos, NULL, &p));
    LS_CHECK_OK(run(&p, 1, ref));
    dft_params_free(&p);
    printf("  %s: F = %.10f Ha, %d SCF iterations, %d k-points, %d symmetry operations, FFT %d x %d x %d%s", c->name,
           ref->energy, ref->n_iter, ref->n_kpt, ref->n_sym, ref->fft[0], ref->fft[1], ref->fft[2],
           c->n_spin == 2 ? "" : "\n");
    if (c->n_spin == 2) printf(", magnetisation %.4f muB\n", ref->magnetization);
    /* At convergence the Harris-Foulkes estimate equals the Kohn-Sham functional. */
    printf("    Harris-Foulkes - Kohn-Sham: %.2e Ha\n", ref->energy - ref->energy_ks);
    LS_CHECK_NEAR(ref->energy, ref->energy_ks, 1e-10);
}

static void check_forces(const struct fd_case *c, const struct run_out *ref)
{
    const double h = 1e-3, tol = 2e-6;
    double u[N_ATOM][3] = {{0}};
    if (quick) {
        /* One generic direction moving both atoms: dF/dt = -sum_a F_a . u_a. */
        const double dir[N_ATOM][3] = {{0.37, -0.52, 0.61}, {-0.29, 0.44, 0.23}};
        double norm = 0, e_p, e_m, analytic = 0;
        for (int a = 0; a < N_ATOM; a++)
            for (int d = 0; d < 3; d++) norm += dir[a][d] * dir[a][d];
        for (int a = 0; a < N_ATOM; a++)
            for (int d = 0; d < 3; d++) {
                u[a][d] = dir[a][d] / sqrt(norm);
                analytic -= ref->forces[a][d] * u[a][d];
            }
        LS_CHECK_OK(energy_displaced(c, ref->fft, (const double(*)[3])u, h, &e_p));
        LS_CHECK_OK(energy_displaced(c, ref->fft, (const double(*)[3])u, -h, &e_m));
        double fd = (e_p - e_m) / (2 * h);
        printf("    dF/dt along a generic displacement: analytic %+.9f, differences %+.9f Ha/bohr (diff %.1e)\n",
               analytic, fd, fd - analytic);
        LS_CHECK_NEAR(fd, analytic, tol);
        return;
    }
    double worst = 0;
    for (int d = 0; d < 3; d++) {
        memset(u, 0, sizeof u);
        u[0][d] = 1.0;
        double e_p, e_m;
        LS_CHECK_OK(energy_displaced(c, ref->fft, (const double(*)[3])u, h, &e_p));
        LS_CHECK_OK(energy_displaced(c, ref->fft, (const double(*)[3])u, -h, &e_m));
        double fd = -(e_p - e_m) / (2 * h), f = ref->forces[0][d];
        printf("    F_0%c: analytic %+.9f, -dF/dx %+.9f Ha/bohr (diff %.1e, rel %.1e)\n", "xyz"[d], f, fd, fd - f,
               fabs(fd - f) / fabs(f));
        LS_CHECK_NEAR(fd, f, tol);
        worst = fmax(worst, fabs(fd - f));
    }
    printf("    forces: largest difference %.1e Ha/bohr\n", worst);
}

static void check_stress(const struct fd_case *c, const struct run_out *ref)
{
    const double e = 1e-4, tol = 1e-8;
    int same_basis = 1;
    if (quick || c->n_spin == 2) {
        /* One generic symmetric strain: dF/dt = Omega sum_ab sigma_ab eps_ab. */
        const double eps[3][3] = {{0.61, 0.23, -0.35}, {0.23, -0.47, 0.18}, {-0.35, 0.18, 0.52}};
        double analytic = 0, e_p, e_m;
        for (int a = 0; a < 3; a++)
            for (int b = 0; b < 3; b++) analytic += ref->stress[a][b] * eps[a][b];
        LS_CHECK_OK(energy_strained(c, ref, eps, e, &e_p, &same_basis));
        LS_CHECK_OK(energy_strained(c, ref, eps, -e, &e_m, &same_basis));
        double fd = (e_p - e_m) / (2 * e) / ref->omega;
        printf("    (1/Omega) dF/dt along a generic strain: analytic %+.6e, differences %+.6e Ha/bohr^3 (diff %.1e)\n",
               analytic, fd, fd - analytic);
        LS_CHECK_MSG(same_basis, "the basis changed with the strain: choose another cutoff");
        LS_CHECK_NEAR(fd, analytic, tol);
        return;
    }
    double worst = 0;
    for (int a = 0; a < 3; a++)
        for (int b = a; b < 3; b++) {
            double eps[3][3] = {{0}};
            eps[a][b] = eps[b][a] = 1.0;
            double e_p, e_m;
            LS_CHECK_OK(energy_strained(c, ref, (const double(*)[3])eps, e, &e_p, &same_basis));
            LS_CHECK_OK(energy_strained(c, ref, (const double(*)[3])eps, -e, &e_m, &same_basis));
            double fd = (e_p - e_m) / (2 * e) / ref->omega / (a == b ? 1.0 : 2.0), s = ref->stress[a][b];
            printf("    sigma_%c%c: analytic %+.6e, differences %+.6e Ha/bohr^3 (diff %.1e, rel %.1e)\n", "xyz"[a],
                   "xyz"[b], s, fd, fd - s, fabs(fd - s) / fabs(s));
            LS_CHECK_NEAR(fd, s, tol);
            worst = fmax(worst, fabs(fd - s));
        }
    printf("    stress: largest difference %.1e Ha/bohr^3 (%.1e GPa); plane-wave counts %s\n", worst, worst * 29421.02648438959,
           same_basis ? "unchanged" : "CHANGED");
    LS_CHECK_MSG(same_basis, "the basis changed with the strain: choose another cutoff");
}

static void check_case(const struct fd_case *c)
{
    struct run_out ref;
    reference_run(c, &ref);
    check_forces(c, &ref);
    check_stress(c, &ref);
}

static void test_si_lda(void) { check_case(&cases[0]); }
static void test_si_pbe(void) { check_case(&cases[1]); }
static void test_al_marzari_vanderbilt(void) { check_case(&cases[2]); }
static void test_o2_spin_fermi_dirac(void) { check_case(&cases[3]); }

/* use_symmetry 0 and 1 give the same state: Si2 with one atom moved along [111] keeps C3v. */
static void test_symmetry_invariance(void)
{
    struct fd_case c = cases[1];
    const double a = 10.263;
    double cell[3][3] = {{0, a / 2, a / 2}, {a / 2, 0, a / 2}, {a / 2, a / 2, 0}};
    memcpy(c.cell, cell, sizeof cell);
    double frac[N_ATOM][3] = {{0.0213, 0.0213, 0.0213}, {0.25, 0.25, 0.25}};
    memcpy(c.frac, frac, sizeof frac);
    c.kmesh[0] = c.kmesh[1] = c.kmesh[2] = 3;
    double pos[N_ATOM][3];
    cart_positions(c.cell, c.frac, pos);
    struct run_out o[2];
    for (int sym = 0; sym < 2; sym++) {
        dft_params p;
        LS_CHECK_OK(case_params(&c, c.cell, (const double(*)[3])pos, NULL, &p));
        p.use_symmetry = sym;
        LS_CHECK_OK(run(&p, 1, &o[sym]));
        dft_params_free(&p);
    }
    double df = 0, ds = 0;
    for (int at = 0; at < N_ATOM; at++)
        for (int d = 0; d < 3; d++) df = fmax(df, fabs(o[1].forces[at][d] - o[0].forces[at][d]));
    for (int x = 0; x < 3; x++)
        for (int y = 0; y < 3; y++) ds = fmax(ds, fabs(o[1].stress[x][y] - o[0].stress[x][y]));
    printf("  symmetry: %d operations, %d vs %d k-points; dF %.1e Ha, forces %.1e Ha/bohr (F_0x %.6f), stress %.1e Ha/bohr^3\n",
           o[1].n_sym, o[1].n_kpt, o[0].n_kpt, o[1].energy - o[0].energy, df, o[1].forces[0][0], ds);
    LS_CHECK(o[1].n_sym == 6 && o[1].n_kpt < o[0].n_kpt);
    LS_CHECK(fabs(o[1].forces[0][0]) > 1e-3);
    LS_CHECK_NEAR(o[1].energy, o[0].energy, 1e-10);
    LS_CHECK(df < 1e-7);
    LS_CHECK(ds < 1e-9);
}

int main(void)
{
    ls_log_set_level(LS_LOG_WARN);
    const char *q = getenv("LODESTONE_TEST_QUICK");
    quick = q && *q && strcmp(q, "0") != 0;
    LS_RUN(test_si_lda);
    if (!quick) {
        LS_RUN(test_si_pbe);
        LS_RUN(test_al_marzari_vanderbilt);
        LS_RUN(test_o2_spin_fermi_dirac);
        LS_RUN(test_symmetry_invariance);
    }
    return ls_test_summary("test_consistency");
}
