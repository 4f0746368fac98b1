/* Molecular dynamics with the potential: velocity Verlet (NVE) and Langevin (NVT) with the
 * BAOAB splitting,
 *   B: v += dt/2 F/m,  A: r += dt/2 v,  O: v = c v + sqrt((1 - c^2) kT/m) xi,  c = exp(-gamma dt),
 *   A, B (forces at the new positions)
 * which reduces to velocity Verlet for gamma = 0.  Leimkuhler and Matthews, Appl. Math. Res.
 * Express 2013, 34 (2013), doi:10.1093/amrx/abs010.  Ensemble spread of the forces is
 * reported every frame; above the threshold the frame is flagged as extrapolation.
 */
#include "surrogate/network.h"
#include "surrogate/surrogate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/elements.h"
#include "common/err.h"
#include "common/units.h"

void nnp_md_config_default(struct nnp_md_config *cfg)
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

/* Standard normal deviate (Box-Muller). */
static double gauss(unsigned long long *rng)
{
    double u1 = nnp_rand_uniform(rng), u2 = nnp_rand_uniform(rng);
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

int nnp_md_run(const nnp_model *m, ls_structure *s, const struct nnp_md_config *cfg, nnp_md_frame_fn on_frame,
               void *ctx)
{
    int status = LS_OK;
    const int n = s->n_atom;
    double *mass = NULL, (*F)[3] = NULL, (*Fs)[3] = NULL;
    unsigned long long rng = cfg->seed;
    if (n < 1) LS_ERROR(LS_ERR_INPUT, "molecular dynamics needs atoms");
    if (!(cfg->dt_fs > 0) || cfg->n_step < 0) LS_ERROR(LS_ERR_INPUT, "md: the time step must be positive");
    mass = malloc((size_t)n * sizeof *mass);
    F = malloc((size_t)n * sizeof *F);
    Fs = malloc((size_t)n * sizeof *Fs);
    if (!mass || !F || !Fs) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    for (int i = 0; i < n; i++) {
        double amu = s->mass_amu ? s->mass_amu[i] : ls_element_mass_amu(s->z[i]);
        if (!(amu > 0)) LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "atom %d has no mass", i + 1);
        mass[i] = amu * LS_AMU_ME;
    }
    const int n_dof = 3 * n - 3;
    const double kB = LS_BOLTZMANN_EV_K * LS_EV_HARTREE; /* Ha/K */
    if (s->velocities == NULL) {
        LS_TRY_GOTO(status, ls_structure_alloc_velocities(s), done);
        if (cfg->init_temperature_k > 0) {
            double p[3] = {0, 0, 0}, mt = 0.0;
            for (int i = 0; i < n; i++)
                for (int a = 0; a < 3; a++) {
                    s->velocities[i][a] = gauss(&rng) * sqrt(kB * cfg->init_temperature_k / mass[i]);
                    p[a] += mass[i] * s->velocities[i][a];
                }
            for (int i = 0; i < n; i++) mt += mass[i];
            for (int i = 0; i < n; i++)
                for (int a = 0; a < 3; a++) s->velocities[i][a] -= p[a] / mt;
            double T = n_dof > 0 ? 2.0 * kinetic(s, mass) / (n_dof * kB) : 0.0;
            double sc = T > 0 ? sqrt(cfg->init_temperature_k / T) : 0.0;
            for (int i = 0; i < n; i++)
                for (int a = 0; a < 3; a++) s->velocities[i][a] *= sc;
        }
    }
    const double dt = cfg->dt_fs / LS_AU_TIME_FS;
    const double gamma = cfg->friction_per_fs * LS_AU_TIME_FS; /* per atomic time unit */
    const double c = exp(-gamma * dt), kT = kB * cfg->temperature_k;
    struct nnp_result r;
    memset(&r, 0, sizeof r);
    r.forces = F;
    r.force_std = Fs;
    LS_TRY_GOTO(status, nnp_model_predict(m, s, &r), done);
    for (int step = 0; step <= cfg->n_step; step++) {
        if (step % cfg->frame_every == 0 || step == cfg->n_step) {
            struct nnp_md_frame fr;
            fr.step = step;
            fr.time_fs = step * cfg->dt_fs;
            fr.e_pot = r.energy;
            fr.e_kin = kinetic(s, mass);
            fr.temperature_k = n_dof > 0 ? 2.0 * fr.e_kin / (n_dof * kB) : 0.0;
            fr.energy_spread = r.energy_std;
            fr.max_force_spread = r.max_force_std;
            fr.extrapolating = r.max_force_std * LS_HA_BOHR_EV_A > cfg->spread_threshold_ev_a || r.n_extrapolating > 0;
            fr.n_extrapolating_atoms = r.n_extrapolating;
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
        LS_TRY_GOTO(status, nnp_model_predict(m, s, &r), done);
        for (int i = 0; i < n; i++)
            for (int a = 0; a < 3; a++) s->velocities[i][a] += 0.5 * dt * F[i][a] / mass[i];
    }
done:
    free(mass);
    free(F);
    free(Fs);
    return status;
}
