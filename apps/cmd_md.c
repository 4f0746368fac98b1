/* lodestone md: molecular dynamics (workflow/md.h) with a neural-network potential as the
 * calculator (nnp_calc_bind), NVE or Langevin NVT, extended-XYZ trajectory, ensemble spread per
 * frame. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "apps/cli.h"
#include "apps/nnp_opts.h"
#include "common/err.h"
#include "common/io.h"
#include "common/log.h"
#include "common/units.h"
#include "surrogate/surrogate.h"
#include "workflow/md.h"

static const struct cli_option opts[] = {
    {"model", 'm', CLI_VALUE, "MODEL", "the potential"},
    {"steps", 'n', CLI_VALUE, "N", "number of steps (default 1000)"},
    {"dt", 0, CLI_VALUE, "FS", "time step in fs (default 1)"},
    {"temperature", 'T', CLI_VALUE, "K", "thermostat temperature and initial velocities (default 300)"},
    {"friction", 0, CLI_VALUE, "PER_FS", "Langevin friction; 0 (default) runs NVE velocity Verlet"},
    {"repeat", 0, CLI_VALUE, "NX,NY,NZ", "replicate the input cell"},
    {"traj", 0, CLI_VALUE, "FILE", "append frames to this extended XYZ trajectory"},
    {"every", 0, CLI_VALUE, "N", "report and write every N steps (default 10)"},
    {"spread-threshold", 0, CLI_VALUE, "EV_A", "flag frames whose largest force spread exceeds this (default 0.1)"},
    {"seed", 0, CLI_VALUE, "N", "seed of the velocities and the thermostat (default 1)"},
    {NULL, 0, 0, NULL, NULL},
};

struct md_ctx {
    const char *traj;
    int n_atom;
    double e0;
    int have_e0;
    double max_drift;
    long n_flagged;
};

static int on_frame(void *vctx, const ls_structure *s, const struct ls_md_frame *f)
{
    struct md_ctx *c = vctx;
    double etot = f->e_pot + f->e_kin;
    if (!c->have_e0) {
        c->e0 = etot;
        c->have_e0 = 1;
        printf("# step  time_fs  Epot_eV  Ekin_eV  Etot_eV  T_K  drift_meV_per_atom  force_spread_eV_A  flag\n");
    }
    double drift = (etot - c->e0) * LS_HARTREE_EV * 1e3 / c->n_atom;
    if (fabs(drift) > c->max_drift) c->max_drift = fabs(drift);
    c->n_flagged += f->extrapolating;
    printf("%7ld %9.1f %14.6f %10.6f %14.6f %8.2f %10.4f %10.5f%s\n", f->step, f->time_fs, f->e_pot * LS_HARTREE_EV,
           f->e_kin * LS_HARTREE_EV, etot * LS_HARTREE_EV, f->temperature_k, drift,
           f->max_force_spread * LS_HA_BOHR_EV_A, f->extrapolating ? "  EXTRAPOLATING" : "");
    if (c->traj == NULL) return LS_OK;
    ls_structure *t = NULL;
    LS_TRY(ls_structure_copy(s, &t));
    char buf[64];
    int st = ls_structure_set_labels(t, f->e_pot, f->forces, NULL, NULL);
    snprintf(buf, sizeof buf, "%.4f", f->time_fs);
    if (st == LS_OK) st = ls_structure_info_set(t, "time_fs", buf);
    snprintf(buf, sizeof buf, "%.6g", f->max_force_spread * LS_HA_BOHR_EV_A);
    if (st == LS_OK) st = ls_structure_info_set(t, "max_force_spread_eV_A", buf);
    if (st == LS_OK) st = ls_structure_info_set(t, "extrapolating", f->extrapolating ? "T" : "F");
    if (st == LS_OK) st = ls_extxyz_append(c->traj, t);
    ls_structure_destroy(t);
    return st;
}

/* The settings, each checked against its stated limit (workflow/md.h) with the option's name. */
static int read_config(const struct cli_args *a, struct ls_md_config *cfg)
{
    long v;
    LS_TRY(cli_get_int_range(a, opts, "steps", cfg->n_step, 0, LS_MD_MAX_STEPS, "MD steps", &cfg->n_step));
    LS_TRY(cli_get_int_range(a, opts, "every", cfg->frame_every, 1, LS_MD_MAX_STEPS, "steps between frames",
                             &cfg->frame_every));
    LS_TRY(cli_get_int(a, opts, "seed", 1, &v));
    cfg->seed = (unsigned long long)v;
    LS_TRY(cli_get_double(a, opts, "dt", cfg->dt_fs, &cfg->dt_fs));
    if (!(cfg->dt_fs > 0 && cfg->dt_fs <= LS_MD_MAX_DT_FS))
        LS_ERROR(LS_ERR_USAGE, "--dt must be a time step above 0 and at most %g fs (atomistic MD uses 0.5 to 5 fs), got %g",
                 LS_MD_MAX_DT_FS, cfg->dt_fs);
    LS_TRY(cli_get_double_range(a, opts, "temperature", cfg->temperature_k, 0, LS_MD_MAX_TEMPERATURE_K, "K",
                                &cfg->temperature_k));
    cfg->init_temperature_k = cfg->temperature_k;
    LS_TRY(cli_get_double_range(a, opts, "friction", 0.0, 0, 1e3, "per fs (0: NVE)", &cfg->friction_per_fs));
    LS_TRY(cli_get_double(a, opts, "spread-threshold", cfg->spread_threshold_ev_a, &cfg->spread_threshold_ev_a));
    if (!(cfg->spread_threshold_ev_a > 0 && isfinite(cfg->spread_threshold_ev_a)))
        LS_ERROR(LS_ERR_USAGE, "--spread-threshold must be positive (eV/A), got %g", cfg->spread_threshold_ev_a);
    return LS_OK;
}

int cmd_md(int argc, char **argv)
{
    struct cli_args a;
    int status = LS_OK;
    nnp_model *m = NULL;
    nnp_calc *nc = NULL;
    ls_structure *s0 = NULL, *s = NULL;
    LS_TRY(cli_parse(argc, argv, opts, &a));
    if (a.help) {
        cli_print_help("md", "--model MODEL FILE [options]",
                       "Molecular dynamics with a neural-network potential: velocity Verlet (NVE) or Langevin\n"
                       "(NVT, --friction > 0).  Prints energies, temperature, energy drift and the ensemble\n"
                       "force spread per frame; frames above --spread-threshold are flagged EXTRAPOLATING.\n"
                       "Limits: --steps up to 1e9, --dt up to 100 fs, --temperature 0 to 1e6 K, --friction 0 to\n"
                       "1000 per fs, --repeat up to 1e7 atoms in all.",
                       opts);
        return LS_OK;
    }
    const char *model_path = cli_get(&a, opts, "model");
    if (!model_path || a.n_pos != 1) LS_ERROR(LS_ERR_USAGE, "md needs --model MODEL and one structure file");
    struct ls_md_config cfg;
    ls_md_config_default(&cfg);
    LS_TRY(read_config(&a, &cfg));
    int rep[3];
    LS_TRY(nnp_parse_repeat(cli_get(&a, opts, "repeat"), rep));
    const char *traj = cli_get(&a, opts, "traj");
    const char *inputs[2] = {model_path, a.pos[0]};
    LS_TRY(cli_check_output("traj", traj, 2, inputs));
    LS_TRY_GOTO(status, nnp_model_load(model_path, &m), done);
    LS_TRY_GOTO(status, ls_structure_read(a.pos[0], LS_FORMAT_AUTO, &s0), done);
    LS_TRY_GOTO(status, nnp_structure_repeat(s0, rep, &s), done);
    if (s0->velocities && rep[0] * rep[1] * rep[2] == 1) {
        LS_TRY_GOTO(status, ls_structure_alloc_velocities(s), done);
        memcpy(s->velocities, s0->velocities, (size_t)s->n_atom * sizeof *s->velocities);
    }
    LS_TRY_GOTO(status, nnp_calc_create(m, &nc), done);
    ls_calc calc;
    nnp_calc_bind(nc, &calc);
    if (traj) remove(traj);
    struct md_ctx ctx = {traj, s->n_atom, 0.0, 0, 0.0, 0};
    printf("# %s: %d atoms, %s, dt %.3g fs, %ld steps, T %.1f K\n", a.pos[0], s->n_atom,
           cfg.friction_per_fs > 0 ? "Langevin NVT" : "NVE velocity Verlet", cfg.dt_fs, cfg.n_step, cfg.temperature_k);
    double t0 = ls_wall_time();
    LS_TRY_GOTO(status, ls_md_run(s, &calc, &cfg, on_frame, &ctx), done);
    double t = ls_wall_time() - t0;
    printf("# %.1f ps in %.1f s (%.0f atom-steps/s); max |Etot - Etot(0)| = %.4f meV/atom; %ld frames flagged\n",
           cfg.n_step * cfg.dt_fs * 1e-3, t, (double)s->n_atom * cfg.n_step / (t > 0 ? t : 1e-9), ctx.max_drift,
           ctx.n_flagged);
done:
    nnp_calc_destroy(nc);
    nnp_model_destroy(m);
    ls_structure_destroy(s0);
    ls_structure_destroy(s);
    return status;
}
