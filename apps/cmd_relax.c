/* lodestone relax: relax positions (and the cell) with FIRE.  With --potential the forces
 * come from a neural-network potential; the DFT engine will be the calculator when
 * --potential is absent (not available yet). */
#include <stdio.h>
#include <string.h>

#include "apps/cli.h"
#include "apps/nnp_opts.h"
#include "common/err.h"
#include "common/io.h"
#include "common/relax.h"
#include "common/units.h"
#include "surrogate/surrogate.h"

static const struct cli_option opts[] = {
    {"potential", 'p', CLI_VALUE, "MODEL", "use this neural-network potential as the calculator"},
    {"cell", 0, CLI_FLAG, NULL, "relax the cell too"},
    {"pressure", 0, CLI_VALUE, "GPA", "target pressure for --cell (default 0)"},
    {"fmax", 0, CLI_VALUE, "EV_A", "force threshold (default 0.01)"},
    {"steps", 0, CLI_VALUE, "N", "maximum steps (default 500)"},
    {"out", 'o', CLI_VALUE, "FILE", "write the relaxed structure"},
    {NULL, 0, 0, NULL, NULL},
};

static int nnp_calc(void *ctx, const ls_structure *s, double *energy, double (*forces)[3], double stress[3][3])
{
    struct nnp_result r;
    memset(&r, 0, sizeof r);
    r.forces = forces;
    LS_TRY(nnp_model_predict(ctx, s, &r));
    *energy = r.energy;
    memcpy(stress, r.stress, sizeof r.stress);
    return LS_OK;
}

int cmd_relax(int argc, char **argv)
{
    struct cli_args a;
    int status = LS_OK;
    nnp_model *m = NULL;
    ls_structure *s = NULL;
    LS_TRY(cli_parse(argc, argv, opts, &a));
    if (a.help) {
        cli_print_help("relax", "--potential MODEL FILE [--cell] [--out FILE]",
                       "Relax atomic positions (and with --cell the lattice) with FIRE.", opts);
        return LS_OK;
    }
    const char *pot = cli_get(&a, opts, "potential");
    if (a.n_pos != 1) LS_ERROR(LS_ERR_USAGE, "relax needs one structure file");
    if (pot == NULL)
        LS_ERROR(LS_ERR_UNSUPPORTED, "relaxation with DFT is not available yet: give --potential MODEL");
    struct ls_relax_config cfg;
    ls_relax_config_default(&cfg);
    long v;
    LS_TRY(cli_get_double(&a, opts, "fmax", cfg.fmax_ev_a, &cfg.fmax_ev_a));
    LS_TRY(cli_get_double(&a, opts, "pressure", 0.0, &cfg.pressure_gpa));
    LS_TRY(cli_get_int(&a, opts, "steps", cfg.max_steps, &v));
    cfg.max_steps = (int)v;
    cfg.relax_cell = cli_get(&a, opts, "cell") != NULL;
    LS_TRY_GOTO(status, nnp_model_load(pot, &m), done);
    LS_TRY_GOTO(status, ls_structure_read(a.pos[0], LS_FORMAT_AUTO, &s), done);
    struct ls_relax_result res;
    double V0 = ls_cell_volume(s->cell);
    status = ls_relax_fire(s, nnp_calc, m, &cfg, &res);
    printf("%s after %d steps: energy %.6f eV (%.6f eV/atom), fmax %.5f eV/A, volume %.4f -> %.4f A^3\n",
           res.converged ? "converged" : "NOT converged", res.n_steps, res.energy * LS_HARTREE_EV,
           res.energy * LS_HARTREE_EV / s->n_atom, res.fmax_ev_a,
           V0 * LS_BOHR_ANGSTROM * LS_BOHR_ANGSTROM * LS_BOHR_ANGSTROM,
           ls_cell_volume(s->cell) * LS_BOHR_ANGSTROM * LS_BOHR_ANGSTROM * LS_BOHR_ANGSTROM);
    const char *out = cli_get(&a, opts, "out");
    if (out) {
        int st = ls_structure_write(out, LS_FORMAT_AUTO, s);
        if (status == LS_OK) status = st;
    }
done:
    nnp_model_destroy(m);
    ls_structure_destroy(s);
    return status;
}
