/* Molecular dynamics over any calculator (see md.h). */
#include "workflow/md.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/elements.h"
#include "common/err.h"
#include "common/rng.h"
#include "common/units.h"

void ls_md_config_default(struct ls_md_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->dt_fs = 1.0;
    cfg->n_step = 1000;
    cfg->temperature_k = 300.0;
    cfg->init_temperature_k = 300.0;
    cfg->friction_per_fs = 0.0;
    cfg->seed = 1;
    cfg->frame_every = 10;
    cfg->spread_threshold_ev_a = 0.1;
}

static int check_config(const struct ls_md_config *cfg)
{
    if (!(cfg->dt_fs > 0 && cfg->dt_fs <= LS_MD_MAX_DT_FS))
        LS_ERROR(LS_ERR_INPUT, "md: the time step must be between 0 and %g fs (typically 0.5 to 5 fs), got %g fs",
                 LS_MD_MAX_DT_FS, cfg->dt_fs);
    if (cfg->n_step < 0 || cfg->n_step > LS_MD_MAX_STEPS)
        LS_ERROR(LS_ERR_INPUT, "md: the number of steps must be between 0 and %ld, got %ld", LS_MD_MAX_STEPS, cfg->n_step);
    if (!(cfg->temperature_k >= 0 && cfg->temperature_k <= LS_MD_MAX_TEMPERATURE_K) ||
        !(cfg->init_temperature_k >= 0 && cfg->init_temperature_k <= LS_MD_MAX_TEMPERATURE_K))
        LS_ERROR(LS_ERR_INPUT, "md: temperatures must be between 0 and %g K, got %g K (initial %g K)",
                 LS_MD_MAX_TEMPERATURE_K, cfg->temperature_k, cfg->init_temperature_k);
    if (!(cfg->friction_per_fs >= 0 && isfinite(cfg->friction_per_fs)))
        LS_ERROR(LS_ERR_INPUT, "md: the Langevin friction must be >= 0 per fs (0: NVE), got %g", cfg->friction_per_fs);
    if (cfg->frame_every < 1) LS_ERROR(LS_ERR_INPUT, "md: frames every %ld steps: give at least 1", cfg->frame_every);
    if (!(cfg->spread_threshold_ev_a > 0 && isfinite(cfg->spread_threshold_ev_a)))
        LS_ERROR(LS_ERR_INPUT, "md: the spread threshold must be positive (eV/A), got %g", cfg->spread_threshold_ev_a);
    return LS_OK;
}

/* Standard normal deviate (Box-Muller, u1 kept away from 0). */
static double gauss(uint64_t *rng)
{
    double u1 = ls_splitmix64_uniform(rng), u2 = ls_splitmix64_uniform(rng);
    if (u1 < 1e-300) u1 = 1e-300;
    return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

static double kinetic(const ls_structure *s, const double *mass)
{
    double k = 0.0;
    for (int i = 0; i < s->n_atom; i++)
        for (int a = 0; a < 3; a++) k += 0.5 * mass[i] * s->velocities[i][a] * s->velocities[i][a];
    return k;
}

/* Maxwell-Boltzmann velocities at temperature T (Ha/K units through kB), the centre-of-mass
 * momentum removed and the kinetic temperature rescaled to T exactly. */
static void draw_velocities(ls_structure *s, const double *mass, double T, double kB, int n_dof, uint64_t *rng)
{
    const int n = s->n_atom;
    double p[3] = {0, 0, 0}, mt = 0.0;
    for (int i = 0; i < n; i++)
        for (int a = 0; a < 3; a++) {
            s->velocities[i][a] = gauss(rng) * sqrt(kB * T / mass[i]);
            p[a] += mass[i] * s->velocities[i][a];
        }
    for (int i = 0; i < n; i++) mt += mass[i];
    for (int i = 0; i < n; i++)
        for (int a = 0; a < 3; a++) s->velocities[i][a] -= p[a] / mt;
    double t_now = n_dof > 0 ? 2.0 * kinetic(s, mass) / (n_dof * kB) : 0.0;
    double sc = t_now > 0 ? sqrt(T / t_now) : 0.0;
    for (int i = 0; i < n; i++)
        for (int a = 0; a < 3; a++) s->velocities[i][a] *= sc;
}

/* One calculation: energy and forces into *e_pot and F, the calculator's spread into *info. */
static int evaluate(const ls_calc *calc, const ls_structure *s, long step, double *e_pot, double (*F)[3],
                    struct ls_calc_info *info)
{
    int status = calc->compute(calc->ctx, s, e_pot, F, NULL);
    if (status != LS_OK) {
        ls_error_prefix("md step %ld: ", step);
        return status;
    }
    ls_calc_last_info(calc, info);
    return LS_OK;
}

int ls_md_run(ls_structure *s, const ls_calc *calc, const struct ls_md_config *cfg, ls_md_frame_fn on_frame,
              void *ctx)
{
    int status = LS_OK;
    const int n = s->n_atom;
    double *mass = NULL, (*F)[3] = NULL;
    uint64_t rng = cfg->seed;
    if (n < 1) LS_ERROR(LS_ERR_INPUT, "molecular dynamics needs atoms");
    LS_TRY(check_config(cfg));
    mass = malloc((size_t)n * sizeof *mass);
    F = malloc((size_t)n * sizeof *F);
    if (!mass || !F) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    for (int i = 0; i < n; i++) {
        double amu = s->mass_amu ? s->mass_amu[i] : ls_element_mass_amu(s->z[i]);
        if (!(amu > 0)) LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "atom %d has no mass", i + 1);
        mass[i] = amu * LS_AMU_ME;
    }
    const int n_dof = 3 * n - 3;
    const double kB = LS_BOLTZMANN_EV_K * LS_EV_HARTREE; /* Ha/K */
    if (s->velocities == NULL) {
        LS_TRY_GOTO(status, ls_structure_alloc_velocities(s), done);
        if (cfg->init_temperature_k > 0) draw_velocities(s, mass, cfg->init_temperature_k, kB, n_dof, &rng);
    }
    const double dt = cfg->dt_fs / LS_AU_TIME_FS;
    const double gamma = cfg->friction_per_fs * LS_AU_TIME_FS; /* per atomic time unit */
    const double c = exp(-gamma * dt), kT = kB * cfg->temperature_k;
    double e_pot = 0.0;
    struct ls_calc_info info;
    LS_TRY_GOTO(status, evaluate(calc, s, 0, &e_pot, F, &info), done);
    for (long step = 0; step <= cfg->n_step; step++) {
        if (step % cfg->frame_every == 0 || step == cfg->n_step) {
            struct ls_md_frame fr;
            fr.step = step;
            fr.time_fs = step * cfg->dt_fs;
            fr.e_pot = e_pot;
            fr.e_kin = kinetic(s, mass);
            fr.temperature_k = n_dof > 0 ? 2.0 * fr.e_kin / (n_dof * kB) : 0.0;
            fr.energy_spread = info.energy_spread;
            fr.max_force_spread = info.max_force_spread;
            fr.extrapolating = info.max_force_spread * LS_HA_BOHR_EV_A > cfg->spread_threshold_ev_a || info.n_extrapolating > 0;
            fr.n_extrapolating_atoms = info.n_extrapolating;
            fr.forces = (const double(*)[3])F;
            if (on_frame) LS_TRY_GOTO(status, on_frame(ctx, s, &fr), done);
        }
        if (step == cfg->n_step) break;
        for (int i = 0; i < n; i++)
            for (int a = 0; a < 3; a++) {
                s->velocities[i][a] += 0.5 * dt * F[i][a] / mass[i];
                s->pos[i][a] += 0.5 * dt * s->velocities[i][a];
            }
        if (gamma > 0)
            for (int i = 0; i < n; i++)
                for (int a = 0; a < 3; a++)
                    s->velocities[i][a] = c * s->velocities[i][a] + sqrt((1.0 - c * c) * kT / mass[i]) * gauss(&rng);
        for (int i = 0; i < n; i++)
            for (int a = 0; a < 3; a++) s->pos[i][a] += 0.5 * dt * s->velocities[i][a];
        LS_TRY_GOTO(status, evaluate(calc, s, step + 1, &e_pot, F, &info), done);
        for (int i = 0; i < n; i++)
            for (int a = 0; a < 3; a++) s->velocities[i][a] += 0.5 * dt * F[i][a] / mass[i];
    }
done:
    free(mass);
    free(F);
    return status;
}
