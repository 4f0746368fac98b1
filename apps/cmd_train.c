/* lodestone train: fit a neural-network potential (surrogate/) to energies, forces and
 * stresses from extended XYZ files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apps/cli.h"
#include "apps/nnp_opts.h"
#include "common/err.h"
#include "common/io.h"
#include "common/log.h"
#include "common/textio.h"
#include "common/units.h"
#include "surrogate/surrogate.h"

static const struct cli_option opts[] = {
    {"train", 0, CLI_VALUE, "FILE", "training structures (extended XYZ with energy, forces, stress)"},
    {"test", 0, CLI_VALUE, "FILE", "test structures: errors reported after training (not used for training)"},
    {"val", 0, CLI_VALUE, "FILE", "validation structures for early stopping (default: split off --val-fraction)"},
    {"out", 'o', CLI_VALUE, "MODEL", "write the model here"},
    {"json", 0, CLI_VALUE, "FILE", "write the test-set errors as JSON"},
    {"descriptor", 0, CLI_VALUE, "NAME", "moment (default) or bp (Behler-Parrinello symmetry functions)"},
    {"cutoff", 0, CLI_VALUE, "ANGSTROM", "descriptor cutoff radius (default 5.0)"},
    {"n-radial", 0, CLI_VALUE, "N", "two-body radial functions per element (default 12)"},
    {"n-angular", 0, CLI_VALUE, "N", "radial functions (moment) or widths (bp) of the angular part (default 6)"},
    {"l-max", 0, CLI_VALUE, "L", "angular order (moment) or number of zeta values (bp) (default 4)"},
    {"chem", 0, CLI_VALUE, "NAME", "element channels of the angular part: chebyshev (default) or element"},
    {"n-chem", 0, CLI_VALUE, "K", "chebyshev chemical channels (default 2)"},
    {"n-radial4", 0, CLI_VALUE, "N", "radial functions of the four-body part, 0 = none (default 0)"},
    {"l-max4", 0, CLI_VALUE, "L", "largest angular order of the four-body part (default 2)"},
    {"hidden", 0, CLI_VALUE, "W,W", "hidden-layer widths (default 32,32)"},
    {"activation", 0, CLI_VALUE, "NAME", "tanh (default), silu or softplus"},
    {"epochs", 0, CLI_VALUE, "N", "maximum epochs (default 200)"},
    {"batch", 0, CLI_VALUE, "N", "structures per mini-batch (default 4)"},
    {"optimiser", 0, CLI_VALUE, "NAME", "adam (default) or lbfgs"},
    {"lr", 0, CLI_VALUE, "X", "initial learning rate (default 1e-2)"},
    {"lr-final", 0, CLI_VALUE, "X", "final learning rate (default 1e-4)"},
    {"w-energy", 0, CLI_VALUE, "X", "energy weight (per 1 meV/atom; default 1)"},
    {"w-force", 0, CLI_VALUE, "X", "force weight (per 0.02 eV/A; default 100)"},
    {"w-stress", 0, CLI_VALUE, "X", "stress weight (per 1 GPa; default 0.1)"},
    {"val-fraction", 0, CLI_VALUE, "X", "fraction split off for validation (default 0.1)"},
    {"patience", 0, CLI_VALUE, "N", "early stopping after N epochs without improvement (default 60)"},
    {"ensemble", 0, CLI_VALUE, "K", "number of members (default 1)"},
    {"bootstrap", 0, CLI_VALUE, "X", "fraction of the training set per member (default 1)"},
    {"seed", 0, CLI_VALUE, "N", "random seed (default 12345)"},
    {"max-time", 0, CLI_VALUE, "SECONDS", "time limit per member (default none)"},
    {NULL, 0, 0, NULL, NULL},
};

/* Training settings from a configuration file.  TODO(issue "YAML config"): read
 * CONFIG.yaml with common/config.h once it has landed; until then options only. */
static int read_config_file(const char *path, struct nnp_model_config *mc, struct nnp_train_config *tc)
{
    (void)mc;
    (void)tc;
    LS_ERROR(LS_ERR_UNSUPPORTED, "%s: YAML configuration files are not supported yet; give the settings as "
             "options (lodestone train --help)", path);
}

/* An integer option within [lo, hi] (cli_get_int_range). */
static int get_int(const struct cli_args *a, const char *name, int fallback, long lo, long hi, const char *what, int *out)
{
    long v;
    LS_TRY(cli_get_int_range(a, opts, name, fallback, lo, hi, what, &v));
    *out = (int)v;
    return LS_OK;
}

static int parse_hidden(const char *text, struct nnp_model_config *mc)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", text);
    mc->n_hidden = 0;
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        long w;
        if (mc->n_hidden >= NNP_MAX_LAYERS - 1 || ls_parse_long(tok, &w) != 0 || w < 1 || w > 4096)
            LS_ERROR(LS_ERR_USAGE, "--hidden expects up to %d widths of 1 to 4096 separated by commas, got '%s'",
                     NNP_MAX_LAYERS - 1, text);
        mc->hidden[mc->n_hidden++] = (int)w;
    }
    return LS_OK;
}

/* The model and training settings from the options, each checked against its range with the
 * option's name (the library's own checks then never see a bad value). */
static int read_settings(const struct cli_args *a, struct nnp_model_config *mc, struct nnp_train_config *tc,
                         int *n_member)
{
    const char *s;
    if ((s = cli_get(a, opts, "descriptor"))) snprintf(mc->desc.type, sizeof mc->desc.type, "%s", s);
    double cut_a = mc->desc.r_cut * LS_BOHR_ANGSTROM;
    LS_TRY(cli_get_double_range(a, opts, "cutoff", cut_a, 0.3, 21.0, "angstrom", &cut_a));
    mc->desc.r_cut = cut_a * LS_ANGSTROM_BOHR;
    LS_TRY(get_int(a, "n-radial", mc->desc.n_radial, 1, 64, "radial functions", &mc->desc.n_radial));
    LS_TRY(get_int(a, "n-angular", mc->desc.n_angular, 0, 64, "angular radial functions or widths", &mc->desc.n_angular));
    LS_TRY(get_int(a, "l-max", mc->desc.l_max, 0, 16, "angular order or zeta values", &mc->desc.l_max));
    if ((s = cli_get(a, opts, "chem"))) {
        enum nnp_chem chem;
        if (nnp_chem_parse(s, &chem) != LS_OK) LS_ERROR(LS_ERR_USAGE, "--chem: %s", ls_error_message());
        mc->desc.chem = chem;
    }
    LS_TRY(get_int(a, "n-chem", mc->desc.n_chem, 1, 32, "chemical channels", &mc->desc.n_chem));
    LS_TRY(get_int(a, "n-radial4", mc->desc.n_radial4, 0, 64, "four-body radial functions", &mc->desc.n_radial4));
    LS_TRY(get_int(a, "l-max4", mc->desc.l_max4, 0, 16, "four-body angular order", &mc->desc.l_max4));
    if ((s = cli_get(a, opts, "hidden"))) LS_TRY(parse_hidden(s, mc));
    if ((s = cli_get(a, opts, "activation"))) LS_TRY(nnp_activation_parse(s, &mc->act));
    LS_TRY(get_int(a, "epochs", tc->n_epoch, 1, 1000000, "training epochs", &tc->n_epoch));
    LS_TRY(get_int(a, "batch", tc->batch_size, 1, 1000000, "structures per mini-batch", &tc->batch_size));
    if ((s = cli_get(a, opts, "optimiser"))) snprintf(tc->optimiser, sizeof tc->optimiser, "%s", s);
    LS_TRY(cli_get_double_range(a, opts, "lr", tc->lr, 1e-12, 10, "", &tc->lr));
    LS_TRY(cli_get_double_range(a, opts, "lr-final", tc->lr_final, 1e-12, 10, "", &tc->lr_final));
    LS_TRY(cli_get_double_range(a, opts, "w-energy", tc->w_energy, 0, 1e12, "", &tc->w_energy));
    LS_TRY(cli_get_double_range(a, opts, "w-force", tc->w_force, 0, 1e12, "", &tc->w_force));
    LS_TRY(cli_get_double_range(a, opts, "w-stress", tc->w_stress, 0, 1e12, "", &tc->w_stress));
    LS_TRY(cli_get_double_range(a, opts, "val-fraction", tc->val_fraction, 0, 0.9, "(a fraction of the training set)",
                                &tc->val_fraction));
    LS_TRY(get_int(a, "patience", tc->patience, 1, 1000000, "epochs without improvement", &tc->patience));
    LS_TRY(get_int(a, "ensemble", 1, 1, 64, "members", n_member));
    LS_TRY(cli_get_double_range(a, opts, "bootstrap", tc->bootstrap, 1e-6, 1, "(a fraction of the training set)",
                                &tc->bootstrap));
    long seed;
    LS_TRY(cli_get_int(a, opts, "seed", (long)tc->seed, &seed));
    tc->seed = (unsigned long long)seed;
    LS_TRY(cli_get_double_range(a, opts, "max-time", tc->max_time_s, 0, 1e9, "seconds (0: none)", &tc->max_time_s));
    return LS_OK;
}

int cmd_train(int argc, char **argv)
{
    struct cli_args a;
    int status = LS_OK;
    ls_structure_list *train = NULL, *test = NULL, *val = NULL;
    nnp_model *m = NULL;
    LS_TRY(cli_parse(argc, argv, opts, &a));
    if (a.help) {
        cli_print_help("train", "--train A.xyz [--test B.xyz] --out MODEL [CONFIG.yaml]",
                       "Train a neural-network potential (one network per element on atom-centred descriptors)\n"
                       "on DFT energies, forces and stresses; one progress line per epoch on stderr.",
                       opts);
        return LS_OK;
    }
    const char *train_path = cli_get(&a, opts, "train"), *out = cli_get(&a, opts, "out");
    if (!train_path || !out) LS_ERROR(LS_ERR_USAGE, "train needs --train FILE and --out MODEL");
    if (a.n_pos > 1) LS_ERROR(LS_ERR_USAGE, "train takes at most one configuration file");
    struct nnp_model_config mc;
    struct nnp_train_config tc;
    int n_member = 1;
    nnp_model_config_default(&mc);
    nnp_train_config_default(&tc);
    if (a.n_pos == 1) LS_TRY(read_config_file(a.pos[0], &mc, &tc));
    LS_TRY(read_settings(&a, &mc, &tc, &n_member));
    const char *s, *inputs[4] = {train_path, cli_get(&a, opts, "test"), cli_get(&a, opts, "val"), a.n_pos ? a.pos[0] : NULL};
    LS_TRY(cli_check_output("out", out, 4, inputs));
    LS_TRY(cli_check_output("json", cli_get(&a, opts, "json"), 4, inputs));

    LS_TRY_GOTO(status, ls_structures_read(train_path, LS_FORMAT_AUTO, &train), done);
    LS_TRY_GOTO(status, nnp_check_frames(train, train_path), done);
    if ((s = cli_get(&a, opts, "test"))) LS_TRY_GOTO(status, ls_structures_read(s, LS_FORMAT_AUTO, &test), done);
    if ((s = cli_get(&a, opts, "val"))) {
        LS_TRY_GOTO(status, ls_structures_read(s, LS_FORMAT_AUTO, &val), done);
        LS_TRY_GOTO(status, nnp_check_frames(val, s), done);
    }
    /* Elements: every one in the training set, by atomic number. */
    int z[NNP_MAX_ELEMENTS], n_elem = 0;
    for (int q = 0; q < train->n; q++)
        for (int i = 0; i < train->items[q]->n_atom; i++) {
            int zi = train->items[q]->z[i], found = 0;
            for (int e = 0; e < n_elem; e++) found |= z[e] == zi;
            if (found) continue;
            if (n_elem == NNP_MAX_ELEMENTS)
                LS_ERROR_GOTO(status, LS_ERR_UNSUPPORTED, done, "%s: more than %d elements", train_path, NNP_MAX_ELEMENTS);
            int k = n_elem++;
            while (k > 0 && z[k - 1] > zi) {
                z[k] = z[k - 1];
                k--;
            }
            z[k] = zi;
        }
    LS_TRY_GOTO(status, nnp_model_create(&mc, n_elem, z, n_member, tc.seed, &m), done);
    char desc[256];
    nnp_model_describe(m, desc, sizeof desc);
    ls_log_info("model: %s", desc);
    double t0 = ls_wall_time();
    LS_TRY_GOTO(status, nnp_model_train(m, train, val, &tc), done);
    double t_train = ls_wall_time() - t0;
    LS_TRY_GOTO(status, nnp_model_save(m, out), done);
    printf("model written to %s (%s)\ntraining time %.1f s\n", out, desc, t_train);
    struct nnp_errors e;
    LS_TRY_GOTO(status, nnp_model_errors(m, train, &e), done);
    LS_TRY_GOTO(status, nnp_report_errors("training set", &e, n_member, NULL), done);
    if (test) {
        LS_TRY_GOTO(status, nnp_model_errors(m, test, &e), done);
        LS_TRY_GOTO(status, nnp_report_errors("test set", &e, n_member, cli_get(&a, opts, "json")), done);
    }
done:
    nnp_model_destroy(m);
    ls_structure_list_destroy(train);
    ls_structure_list_destroy(test);
    ls_structure_list_destroy(val);
    return status;
}
