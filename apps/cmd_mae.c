/* lodestone mae: magnetocrystalline anisotropy (the work is dft_mae_run, dft/magnet/mae.c). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "apps/cli.h"
#include "apps/dft_opts.h"
#include "common/err.h"
#include "common/log.h"
#include "common/parallel.h"
#include "common/stop.h"
#include "common/units.h"
#include "dft/dft.h"

static const struct cli_option opts[] = {
    {"directions", 'd', CLI_VALUE, "LIST", "directions of the moments, e.g. 001,100,110 or 1:1:0 (default 001,100)"},
    {"scf", 0, CLI_FLAG, NULL, "also self-consistent spin-orbit runs per direction (total-energy differences)"},
    {"scf-only", 0, CLI_FLAG, NULL, "only the self-consistent runs (no force theorem)"},
    {"kmesh-series", 'k', CLI_VALUE, "LIST", "k-point meshes to converge over, e.g. 8x8x8,12x12x12 (default: the input's)"},
    {"lambda", 0, CLI_VALUE, "RY", "penalty of the direction constraint where symmetry does not fix it (default 1 Ry)"},
    {"json", 'j', CLI_VALUE, "FILE", "write the results as JSON ('-': stdout)"},
    {"threads", 't', CLI_VALUE, "N", "OpenMP threads (default: OMP_NUM_THREADS or all cores)"},
    {"pools", 'p', CLI_VALUE, "N", "MPI: k-point pools, as pw.x's -nk"},
    {"quiet", 'q', CLI_FLAG, NULL, "only warnings and errors on stderr"},
    {NULL, 0, 0, NULL, NULL},
};

static void print_result(const dft_mae_result *r, const struct dft_mae_options *o)
{
    printf("%s: %d atoms, %g formula unit%s, V = %.4f A^3%s\n", r->formula, r->n_atom, r->n_formula_units,
           r->n_formula_units == 1 ? "" : "s", r->volume * pow(LS_BOHR_ANGSTROM, 3), r->uniaxial ? ", uniaxial along z" : "");
    printf("E[d] - E[%s] in meV per formula unit%s\n", r->dir_label[0],
           o->force_theorem && o->self_consistent ? " (force theorem / self-consistent)" : o->force_theorem ? " (force theorem)" : " (self-consistent)");
    printf("%-12s %6s %9s", "mesh", "nk", "M (muB)");
    for (int i = 1; i < r->n_dir; i++) printf("  %20s", r->dir_label[i]);
    printf("\n");
    for (int im = 0; im < r->n_mesh; im++) {
        const struct dft_mae_mesh_result *m = &r->m[im];
        char mesh[32];
        snprintf(mesh, sizeof mesh, "%dx%dx%d", m->mesh[0], m->mesh[1], m->mesh[2]);
        printf("%-12s %6d %9.4f", mesh, m->d[0].n_kpt, m->m_collinear);
        for (int i = 1; i < r->n_dir; i++) {
            char cell[64] = "";
            if (o->force_theorem) snprintf(cell, sizeof cell, "%.4f", dft_mae_convert(r, m->d[i].e_band - m->d[0].e_band, 0));
            if (o->self_consistent)
                snprintf(cell + strlen(cell), sizeof cell - strlen(cell), "%s%.4f", o->force_theorem ? " / " : "",
                         dft_mae_convert(r, m->d[i].e_scf - m->d[0].e_scf, 0));
            printf("  %20s", cell);
        }
        printf("\n");
    }
    const struct dft_mae_mesh_result *m = &r->m[r->n_mesh - 1];
    printf("mesh %dx%dx%d:\n%-8s %13s %13s %13s %24s %24s\n", m->mesh[0], m->mesh[1], m->mesh[2], "dir", "meV/f.u.",
           "meV/atom", "MJ/m^3", "spin (muB/cell)", "orbital (muB/cell)");
    for (int i = 0; i < r->n_dir; i++) {
        const struct dft_mae_entry *e = &m->d[i];
        double de = o->force_theorem ? e->e_band - m->d[0].e_band : e->e_scf - m->d[0].e_scf;
        printf("%-8s %13.5f %13.5f %13.5f  (%6.3f %6.3f %6.3f)  (%6.3f %6.3f %6.3f)\n", r->dir_label[i], dft_mae_convert(r, de, 0),
               dft_mae_convert(r, de, 1), dft_mae_convert(r, de, 2), e->m_cell[0], e->m_cell[1], e->m_cell[2], e->m_orbital[0],
               e->m_orbital[1], e->m_orbital[2]);
    }
    for (int method = 0; method < 2; method++)
        if (r->has_k[method])
            printf("%s: K1 = %.4f MJ/m^3, K2 = %.4f MJ/m^3, Ms = %.4f MA/m, kappa = %.3f\n",
                   method == 0 ? "force theorem" : "self-consistent", r->k1[method] * 1e-6, r->k2[method] * 1e-6,
                   r->ms_a_m[method] * 1e-6, r->kappa[method]);
}

int cmd_mae(int argc, char **argv)
{
    struct cli_args a;
    LS_TRY(cli_parse(argc, argv, opts, &a));
    if (a.help) {
        cli_print_help("mae", "INPUT [--directions 001,100,110] [--scf | --scf-only] [--kmesh-series 8x8x8,12x12x12] [--json FILE]",
                       "Magnetocrystalline anisotropy of the magnet in INPUT (any input of 'lodestone scf': pw.x\n"
                       "or YAML; collinear or noncollinear moments, fully relativistic pseudopotentials for the\n"
                       "spin-orbit runs, inputs/pseudo/pd04-pbe-fr/).  Force theorem (default, as pw.x's\n"
                       "lforcet): a collinear SCF without spin-orbit, its magnetisation turned to each direction,\n"
                       "one non-self-consistent spin-orbit calculation each; E(d) is the band energy sum f e.\n"
                       "--scf adds (--scf-only: only) a self-consistent spin-orbit run per direction, E(d) its\n"
                       "free energy; a direction the magnetic symmetry does not fix is held by pw.x's 'atomic\n"
                       "direction' penalty (--lambda).  Results in meV per formula unit, meV per atom and MJ/m^3\n"
                       "(E(d) minus E of the first direction), the spin and orbital moments, and for uniaxial cells\n"
                       "(axis along z) K1, K2 of E = K1 sin^2 + K2 sin^4 and kappa = sqrt(K1 / (mu0 Ms^2)).\n"
                       "--kmesh-series repeats everything on each mesh, to show the convergence (anisotropies of\n"
                       "0.01-1 meV need dense meshes).  Exit code 1 if a run does not converge (results are still\n"
                       "written).  See dft/magnet/README.md.",
                       opts);
        return LS_OK;
    }
    if (a.n_pos != 1) LS_ERROR(LS_ERR_USAGE, "mae needs one input file (see lodestone mae --help)");
    if (cli_get(&a, opts, "quiet")) ls_log_set_level(LS_LOG_WARN);
    struct dft_mae_options o;
    memset(&o, 0, sizeof o);
    const char *dirs = cli_get(&a, opts, "directions");
    LS_TRY(dft_mae_parse_directions(dirs ? dirs : "001,100", &o));
    const char *series = cli_get(&a, opts, "kmesh-series");
    if (series) LS_TRY(dft_mae_parse_meshes(series, &o));
    int scf_only = cli_get(&a, opts, "scf-only") != NULL;
    o.force_theorem = !scf_only;
    o.self_consistent = scf_only || cli_get(&a, opts, "scf") != NULL;
    double lambda_ry;
    LS_TRY(cli_get_double(&a, opts, "lambda", 1.0, &lambda_ry));
    if (!(lambda_ry >= 0)) LS_ERROR(LS_ERR_USAGE, "--lambda must be >= 0 Ry");
    o.lambda = lambda_ry * LS_RY_HARTREE;
    static const char *const outputs[] = {"json"};
    dft_params p;
    int status = dft_cli_read_single_point(&a, opts, "lodestone mae", outputs, 1, &p);
    if (status != LS_OK) {
        dft_params_free(&p);
        return status;
    }
    ls_stop_install();
    dft_mae_result *r = NULL;
    status = dft_mae_run(&p, &o, &r);
    if (r) {
        char saved[LS_ERROR_MESSAGE_MAX];
        snprintf(saved, sizeof saved, "%s", ls_error_message());
        int run_status = status;
        print_result(r, &o);
        const char *json = cli_get(&a, opts, "json");
        int out_status = json && ls_par_rank() == 0 ? dft_mae_write_json(r, &p, &o, json) : LS_OK;
        dft_mae_result_destroy(r);
        if (out_status != LS_OK) status = out_status;
        else if (run_status != LS_OK) status = ls_error_set(run_status, __FILE__, __LINE__, "%s", saved);
    }
    dft_params_free(&p);
    return status;
}
