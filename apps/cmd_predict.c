/* lodestone predict: energies, forces and stresses of a neural-network potential for every
 * frame of a file; errors against the reference values the file carries. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apps/cli.h"
#include "apps/nnp_opts.h"
#include "common/err.h"
#include "common/io.h"
#include "common/log.h"
#include "common/units.h"
#include "surrogate/surrogate.h"

static const struct cli_option opts[] = {
    {"model", 'm', CLI_VALUE, "MODEL", "the potential (lodestone train --out)"},
    {"out", 'o', CLI_VALUE, "FILE", "write the structures with predicted energy, forces, stress (extended XYZ)"},
    {"json", 0, CLI_VALUE, "FILE", "write the error report as JSON"},
    {"calibration-svg", 0, CLI_VALUE, "FILE", "ensembles: calibration plot of the spreads against the errors (SVG)"},
    {NULL, 0, 0, NULL, NULL},
};

/* Copy of s with the prediction in place of the reference values, and the spreads. */
static int prediction_frame(const ls_structure *s, const struct nnp_result *r, int n_member, ls_structure **out)
{
    ls_structure *p = NULL;
    char **col = NULL;
    int status = LS_OK;
    LS_TRY(ls_structure_copy(s, &p));
    LS_TRY_GOTO(status, ls_structure_alloc_forces(p), done);
    memcpy(p->forces, r->forces, (size_t)s->n_atom * sizeof *p->forces);
    p->has_energy = 1;
    p->energy = r->energy;
    p->has_stress = r->has_stress;
    memcpy(p->stress, r->stress, sizeof p->stress);
    if (n_member > 1) {
        char buf[64];
        snprintf(buf, sizeof buf, "%.10g", r->energy_std * LS_HARTREE_EV);
        LS_TRY_GOTO(status, ls_structure_info_set(p, "energy_spread_eV", buf), done);
        col = calloc((size_t)s->n_atom * 3, sizeof *col);
        if (col == NULL) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
        for (int i = 0; i < s->n_atom; i++)
            for (int k = 0; k < 3; k++) {
                snprintf(buf, sizeof buf, "%.8f", r->force_std[i][k] * LS_HA_BOHR_EV_A);
                col[3 * i + k] = strdup(buf);
                if (col[3 * i + k] == NULL) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
            }
        LS_TRY_GOTO(status, ls_structure_extra_add(p, "force_spread", 'R', 3, col), done);
    }
done:
    if (col)
        for (int i = 0; i < 3 * s->n_atom; i++) free(col[i]);
    free(col);
    if (status != LS_OK) ls_structure_destroy(p);
    else *out = p;
    return status;
}

/* What the loop over frames keeps: the output frames, the counts and the error sums. */
struct predict_run {
    const char *path;
    int n_frame, n_member, has_ref;
    long n_atom, n_extrap;
    ls_structure_list *outl; /* NULL: no --out */
    struct nnp_error_sums sums;
};

static int on_prediction(void *ctx, int q, const ls_structure *s, const struct nnp_result *r)
{
    struct predict_run *pr = ctx;
    pr->n_atom += s->n_atom;
    pr->n_extrap += r->n_extrapolating;
    if (r->n_extrapolating)
        ls_log_warn("%s frame %d: %d of %d atoms have descriptors outside the training range: the prediction "
                    "is an extrapolation", pr->path, q + 1, r->n_extrapolating, s->n_atom);
    pr->has_ref |= s->has_energy;
    nnp_error_sums_add(&pr->sums, s, r);
    if (pr->outl) {
        ls_structure *p = NULL;
        LS_TRY(prediction_frame(s, r, pr->n_member, &p));
        int status = ls_structure_list_push(pr->outl, p);
        if (status != LS_OK) {
            ls_structure_destroy(p);
            return status;
        }
    }
    if (pr->n_frame <= 20 || !pr->has_ref)
        printf("frame %d: %d atoms, energy %.6f eV (%.6f eV/atom)%s\n", q + 1, s->n_atom, r->energy * LS_HARTREE_EV,
               r->energy * LS_HARTREE_EV / (s->n_atom ? s->n_atom : 1), r->n_extrapolating ? " [extrapolating]" : "");
    return LS_OK;
}

int cmd_predict(int argc, char **argv)
{
    struct cli_args a;
    int status = LS_OK;
    nnp_model *m = NULL;
    ls_structure_list *set = NULL, *outl = NULL;
    LS_TRY(cli_parse(argc, argv, opts, &a));
    if (a.help) {
        cli_print_help("predict", "--model MODEL FILE.xyz [--out PRED.xyz] [--json REPORT.json]",
                       "Predict energies, forces and stresses with a neural-network potential.  When the file\n"
                       "carries reference energies and forces, print (and write) the errors; for ensembles\n"
                       "also the mean predicted spread and its calibration.",
                       opts);
        return LS_OK;
    }
    const char *model_path = cli_get(&a, opts, "model"), *out = cli_get(&a, opts, "out");
    if (!model_path || a.n_pos != 1) LS_ERROR(LS_ERR_USAGE, "predict needs --model MODEL and one structure file");
    const char *inputs[2] = {model_path, a.pos[0]};
    LS_TRY(cli_check_output("out", out, 2, inputs));
    LS_TRY(cli_check_output("json", cli_get(&a, opts, "json"), 2, inputs));
    LS_TRY_GOTO(status, nnp_model_load(model_path, &m), done);
    LS_TRY_GOTO(status, ls_structures_read(a.pos[0], LS_FORMAT_AUTO, &set), done);
    LS_TRY_GOTO(status, ls_structure_list_create(&outl), done);
    struct predict_run pr;
    memset(&pr, 0, sizeof pr);
    pr.path = a.pos[0];
    pr.n_frame = set->n;
    pr.n_member = nnp_model_n_member(m);
    pr.outl = out ? outl : NULL;
    double t0 = ls_wall_time();
    status = nnp_model_predict_each(m, set, on_prediction, &pr);
    if (status != LS_OK) {
        ls_error_prefix("%s: ", a.pos[0]);
        goto done;
    }
    double t = ls_wall_time() - t0;
    printf("%d frames, %ld atoms predicted in %.3f s (%.0f atoms/s)%s\n", set->n, pr.n_atom, t,
           pr.n_atom / (t > 0 ? t : 1e-9), pr.n_extrap ? "; WARNING: some atoms extrapolate" : "");
    if (out) LS_TRY_GOTO(status, ls_structures_write(out, LS_FORMAT_EXTXYZ, outl), done);
    if (pr.has_ref) {
        struct nnp_errors e;
        nnp_error_sums_finish(&pr.sums, &e);
        LS_TRY_GOTO(status, nnp_report_errors(a.pos[0], &e, pr.n_member, cli_get(&a, opts, "json")), done);
        if (cli_get(&a, opts, "calibration-svg"))
            LS_TRY_GOTO(status, nnp_model_calibration_plot(m, set, a.pos[0], cli_get(&a, opts, "calibration-svg")), done);
    } else if (cli_get(&a, opts, "json")) {
        ls_log_warn("%s carries no reference energies: no error report written", a.pos[0]);
    }
done:
    nnp_model_destroy(m);
    ls_structure_list_destroy(set);
    ls_structure_list_destroy(outl);
    return status;
}
