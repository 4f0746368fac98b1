/* The potentials of dft/terms/potential.c are the derivatives of their energies.
 *
 * For a real density rho (the superposition of atomic densities of a set-up system, with its
 * core charge) and a smooth random direction delta on the density sphere (one per spin),
 *     d/dt E_xc[rho + t delta] at t = 0  =  sum_s int v_xc,s delta_s dr
 *     d/dt E_H [rho + t delta] at t = 0  =  int v_H (delta_up + delta_down) dr
 * with the energies and potentials of dft_potential_compute (v_H = veff - v_loc - v_xc).  The
 * left sides are central differences: for E_xc Richardson-extrapolated from steps h = 0.005
 * and h/2 (error O(h^4)); E_H is quadratic, so its central difference with a unit step is
 * exact up to rounding.  delta is about 1% of rho, a smooth random field times rho (so the
 * density keeps its sign where it is small) filtered onto the density sphere.
 * Every case prints the two numbers and their relative difference.
 *
 * Cases: LDA and PBE, spin-unpolarised and polarised (starting magnetisation 0.3 / 0.5), for
 * bulk Si (the density never small) and for O2 in a box at a low cutoff, whose filtered core
 * charge is negative at half the grid points and whose vacuum density crosses the
 * gradient-correction thresholds of dft/terms/xc.c.  Tolerances: 1e-8 relative for E_xc (measured
 * 3e-11 .. 3.4e-9), 1e-10 for E_H (measured <= 2.5e-12).  Before the fixes in dft/terms/xc.c the O2
 * cases were off by 0.14 (spin) and 3e-5 (PBE, no spin).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/rng.h"
#include "common/err.h"
#include "common/log.h"
#include "common/test.h"
#include "dft/scf/density.h"
#include "dft/terms/potential.h"
#include "dft/scf/system.h"

struct pot_case {
    const char *name;
    const char *element;
    double cell[3][3];
    double frac[2][3];
    const char *functional;
    double ecut;
    int n_spin;
    double start_mag;
};

static const struct pot_case si_cell = {
    "si", "Si", {{0.12, 5.21, 5.07}, {5.02, -0.08, 5.19}, {5.16, 5.11, 0.21}}, {{0.013, -0.021, 0.017}, {0.262, 0.243, 0.251}},
    "LDA", 6.37, 1, 0.0};
static const struct pot_case o2_box = {
    "o2", "O", {{6.53, 0.0, 0.0}, {0.0, 6.91, 0.0}, {0.0, 0.0, 7.32}}, {{0.41, 0.43, 0.39}, {0.58, 0.55, 0.56}},
    "PBE", 15.1, 2, 0.5};

static int make_params(const struct pot_case *c, dft_params *p)
{
    dft_params_init(p);
    LS_TRY(ls_structure_create(2, &p->structure));
    memcpy(p->structure->cell, c->cell, sizeof c->cell);
    for (int a = 0; a < 2; a++) {
        LS_TRY(ls_structure_set_species(p->structure, a, c->element));
        for (int d = 0; d < 3; d++)
            p->structure->pos[a][d] = c->frac[a][0] * c->cell[0][d] + c->frac[a][1] * c->cell[1][d] + c->frac[a][2] * c->cell[2][d];
    }
    p->n_species = 1;
    snprintf(p->species[0].label, sizeof p->species[0].label, "%s", c->element);
    snprintf(p->species[0].pseudo, sizeof p->species[0].pseudo, "inputs/pseudo/pd04-pbe-sr/%s.upf", c->element);
    p->species[0].starting_magnetization = c->start_mag;
    snprintf(p->functional, sizeof p->functional, "%s", c->functional);
    p->ecut_wfc = c->ecut;
    p->n_spin = c->n_spin;
    if (c->n_spin == 2) {
        p->occupations = DFT_OCC_SMEARING;
        p->smearing_width = 0.01;
    }
    return LS_OK;
}

static double rand_unit(uint64_t *state) { return ls_splitmix64_uniform(state); }

/* A smooth random real field on the density sphere: random coefficients damped by
 * exp(-|G|^2 / (2 g0^2)), times `scale` (1/bohr^3 at its largest). */
static void smooth_random_field(const dft_grid *g, uint64_t seed, double g0, double scale, double *f, double complex *work)
{
    double complex *fg = malloc((size_t)g->n_g * sizeof *fg);
    double *noise = malloc((size_t)g->n_r * sizeof *noise);
    uint64_t state = seed;
    for (long ir = 0; ir < g->n_r; ir++) noise[ir] = rand_unit(&state) - 0.5;
    dft_grid_field_to_sphere(g, noise, fg, work);
    for (long ig = 0; ig < g->n_g; ig++) fg[ig] *= exp(-0.5 * g->g2[ig] / (g0 * g0));
    dft_grid_sphere_to_field(g, fg, f, work);
    double m = 0;
    for (long ir = 0; ir < g->n_r; ir++) m = fabs(f[ir]) > m ? fabs(f[ir]) : m;
    for (long ir = 0; ir < g->n_r; ir++) f[ir] *= scale / m;
    free(fg);
    free(noise);
}

struct derivs {
    double dexc_fd, dexc_v; /* d E_xc / dt, by differences and from v_xc */
    double deh_fd, deh_v;   /* d E_H / dt */
    double exc, eh;
};

static int energies_at(const dft_system *sys, const double *rho, const double *delta, double t, double *work_rho,
                       double *veff, double *vxc, struct dft_potential_energies *pe)
{
    size_t n = (size_t)sys->n_spin * sys->grid->n_r;
    for (size_t i = 0; i < n; i++) work_rho[i] = rho[i] + t * delta[i];
    return dft_potential_compute(sys, work_rho, veff, vxc, pe);
}

/* Directional derivatives of E_xc and E_H at rho along delta; h is the step in t. */
static int directional(const dft_system *sys, const double *rho, const double *delta, double h, struct derivs *d)
{
    const dft_grid *g = sys->grid;
    size_t n = (size_t)sys->n_spin * g->n_r;
    double *wr = malloc(n * sizeof *wr), *veff = malloc(n * sizeof *veff), *vxc = malloc(n * sizeof *vxc);
    double *vloc = malloc((size_t)g->n_r * sizeof *vloc);
    double complex *work = fftw_malloc((size_t)g->n_r * sizeof *work);
    int status = LS_OK;
    if (!wr || !veff || !vxc || !vloc || !work) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    struct dft_potential_energies pe0, pp, pm;
    LS_TRY_GOTO(status, energies_at(sys, rho, delta, 0.0, wr, veff, vxc, &pe0), done);
    dft_grid_sphere_to_field(g, sys->vloc_g, vloc, work);
    double dv = sys->omega / (double)g->n_r, sx = 0, sh = 0;
    for (int s = 0; s < sys->n_spin; s++)
        for (long ir = 0; ir < g->n_r; ir++) {
            size_t i = (size_t)s * g->n_r + ir;
            sx += vxc[i] * delta[i];
            sh += (veff[i] - vloc[ir] - vxc[i]) * delta[i];
        }
    d->dexc_v = sx * dv;
    d->deh_v = sh * dv;
    d->exc = pe0.xc;
    d->eh = pe0.hartree;
    double dx[2];
    for (int k = 0; k < 2; k++) {
        double step = k == 0 ? h : 0.5 * h;
        LS_TRY_GOTO(status, energies_at(sys, rho, delta, step, wr, veff, vxc, &pp), done);
        LS_TRY_GOTO(status, energies_at(sys, rho, delta, -step, wr, veff, vxc, &pm), done);
        dx[k] = (pp.xc - pm.xc) / (2 * step);
    }
    d->dexc_fd = (4 * dx[1] - dx[0]) / 3;
    /* E_H is quadratic in t: a unit step is exact and keeps the rounding error small. */
    LS_TRY_GOTO(status, energies_at(sys, rho, delta, 1.0, wr, veff, vxc, &pp), done);
    LS_TRY_GOTO(status, energies_at(sys, rho, delta, -1.0, wr, veff, vxc, &pm), done);
    d->deh_fd = (pp.hartree - pm.hartree) / 2;
done:
    free(wr);
    free(veff);
    free(vxc);
    free(vloc);
    fftw_free(work);
    return status;
}

static void check_case(const struct pot_case *c, const char *functional, int n_spin, double tol_xc)
{
    struct pot_case cc = *c;
    cc.functional = functional;
    cc.n_spin = n_spin;
    if (n_spin == 2 && cc.start_mag == 0) cc.start_mag = 0.3;
    dft_params p;
    dft_system *sys = NULL;
    double *rho = NULL, *delta = NULL;
    double complex *work = NULL;
    LS_CHECK_OK(make_params(&cc, &p));
    LS_CHECK_OK(dft_system_create(&p, &sys));
    if (!sys) goto done;
    const dft_grid *g = sys->grid;
    size_t n = (size_t)sys->n_spin * g->n_r;
    rho = malloc(n * sizeof *rho);
    delta = malloc(n * sizeof *delta);
    work = fftw_malloc((size_t)g->n_r * sizeof *work);
    LS_CHECK_OK(dft_density_atomic(sys, rho));
    double rho_min = INFINITY, rho_max = 0;
    for (size_t i = 0; i < n; i++) {
        rho_min = rho[i] < rho_min ? rho[i] : rho_min;
        rho_max = rho[i] > rho_max ? rho[i] : rho_max;
    }
    /* Direction: about 1% of the density's largest value, smooth on the scale of 1 bohr. */
    /* Direction: a smooth random field times the density (so the density keeps its sign where
     * it is small), filtered back onto the density sphere; about 1% of rho. */
    double complex *fg = malloc((size_t)g->n_g * sizeof *fg);
    for (int s = 0; s < sys->n_spin; s++) {
        double *ds = delta + (size_t)s * g->n_r;
        smooth_random_field(g, 0x5eed + 17 * (uint64_t)s, 1.7, 0.01, ds, work);
        for (long ir = 0; ir < g->n_r; ir++) ds[ir] *= fabs(rho[(size_t)s * g->n_r + ir]);
        dft_grid_field_to_sphere(g, ds, fg, work);
        dft_grid_sphere_to_field(g, fg, ds, work);
    }
    free(fg);
    struct derivs d = {0};
    LS_CHECK_OK(directional(sys, rho, delta, 0.005, &d));
    double rx = fabs(d.dexc_fd - d.dexc_v) / fabs(d.dexc_v), rh = fabs(d.deh_fd - d.deh_v) / fabs(d.deh_v);
    printf("  %-3s %-4s nspin %d: rho in [%.2e, %.2e]; dExc/dt fd %.12e v %.12e (diff %.2e, rel %.2e); "
           "dEH/dt fd %.12e v %.12e (diff %.2e, rel %.2e)\n",
           c->name, functional, n_spin, rho_min, rho_max, d.dexc_fd, d.dexc_v, d.dexc_fd - d.dexc_v, rx, d.deh_fd, d.deh_v,
           d.deh_fd - d.deh_v, rh);
    LS_CHECK(rx < tol_xc);
    LS_CHECK(rh < 1e-10);
done:
    free(rho);
    free(delta);
    fftw_free(work);
    dft_system_destroy(sys);
    dft_params_free(&p);
}

static void test_si_lda(void) { check_case(&si_cell, "LDA", 1, 1e-8); }
static void test_si_pbe(void) { check_case(&si_cell, "PBE", 1, 1e-8); }
static void test_si_lda_spin(void) { check_case(&si_cell, "LDA", 2, 1e-8); }
static void test_si_pbe_spin(void) { check_case(&si_cell, "PBE", 2, 1e-8); }
static void test_o2_lda(void) { check_case(&o2_box, "LDA", 1, 1e-8); }
static void test_o2_pbe(void) { check_case(&o2_box, "PBE", 1, 1e-8); }
static void test_o2_lda_spin(void) { check_case(&o2_box, "LDA", 2, 1e-8); }
static void test_o2_pbe_spin(void) { check_case(&o2_box, "PBE", 2, 1e-8); }

int main(void)
{
    ls_log_set_level(LS_LOG_WARN);
    LS_RUN(test_si_lda);
    LS_RUN(test_si_pbe);
    LS_RUN(test_si_lda_spin);
    LS_RUN(test_si_pbe_spin);
    LS_RUN(test_o2_lda);
    LS_RUN(test_o2_pbe);
    LS_RUN(test_o2_lda_spin);
    LS_RUN(test_o2_pbe_spin);
    return ls_test_summary("test_potential");
}
