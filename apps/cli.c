/* Option parsing shared by the subcommands; see cli.h. */
#include "apps/cli.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "common/buildinfo.h"
#include "common/err.h"
#include "common/json.h"
#include "common/parallel.h"
#include "common/textio.h"

#ifdef _OPENMP
#include <omp.h>
#endif

const char *cli_version(void) { return ls_buildinfo_version(); }
const char *cli_version_number(void) { return ls_buildinfo_version_number(); }
const char *cli_git_revision(void) { return ls_buildinfo_git_revision(); }

static int find_long(const struct cli_option *opts, const char *name, size_t len)
{
    for (int i = 0; opts && opts[i].name; i++)
        if (strlen(opts[i].name) == len && strncmp(opts[i].name, name, len) == 0) return i;
    return -1;
}

static int find_short(const struct cli_option *opts, char c)
{
    for (int i = 0; opts && opts[i].name; i++)
        if (opts[i].short_name == c) return i;
    return -1;
}

int cli_parse(int argc, char **argv, const struct cli_option *opts, struct cli_args *args)
{
    memset(args, 0, sizeof *args);
    int only_positional = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!only_positional && strcmp(a, "--") == 0) {
            only_positional = 1;
            continue;
        }
        if (!only_positional && (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)) {
            args->help = 1;
            continue;
        }
        if (!only_positional && a[0] == '-' && a[1] != '\0' && !(a[1] >= '0' && a[1] <= '9')) {
            int k;
            const char *inline_value = NULL;
            if (a[1] == '-') {
                const char *eq = strchr(a + 2, '=');
                size_t len = eq ? (size_t)(eq - (a + 2)) : strlen(a + 2);
                k = find_long(opts, a + 2, len);
                if (eq) inline_value = eq + 1;
            } else {
                k = a[2] == '\0' ? find_short(opts, a[1]) : -1;
            }
            if (k < 0) LS_ERROR(LS_ERR_USAGE, "unknown option '%s' (see %s --help)", a, argv[0]);
            if (opts[k].kind == CLI_FLAG) {
                if (inline_value) LS_ERROR(LS_ERR_USAGE, "option --%s takes no value", opts[k].name);
                args->value[k] = "1";
            } else if (inline_value) {
                args->value[k] = inline_value;
            } else {
                if (i + 1 >= argc)
                    LS_ERROR(LS_ERR_USAGE, "option --%s needs a value (%s)", opts[k].name,
                             opts[k].value_name ? opts[k].value_name : "VALUE");
                args->value[k] = argv[++i];
            }
            continue;
        }
        if (args->n_pos >= CLI_MAX_POSITIONAL) LS_ERROR(LS_ERR_USAGE, "too many arguments");
        args->pos[args->n_pos++] = a;
    }
    return LS_OK;
}

const char *cli_get(const struct cli_args *args, const struct cli_option *opts, const char *name)
{
    int k = find_long(opts, name, strlen(name));
    return k >= 0 ? args->value[k] : NULL;
}

void cli_print_help(const char *cmd, const char *synopsis, const char *description,
                    const struct cli_option *opts)
{
    printf("usage: lodestone %s %s\n\n%s\n", cmd, synopsis, description);
    if (opts && opts[0].name) printf("\noptions:\n");
    for (int i = 0; opts && opts[i].name; i++) {
        char left[64];
        if (opts[i].short_name)
            snprintf(left, sizeof left, "-%c, --%s%s%s", opts[i].short_name, opts[i].name,
                     opts[i].kind == CLI_VALUE ? " " : "", opts[i].kind == CLI_VALUE ? opts[i].value_name : "");
        else
            snprintf(left, sizeof left, "    --%s%s%s", opts[i].name, opts[i].kind == CLI_VALUE ? " " : "",
                     opts[i].kind == CLI_VALUE ? opts[i].value_name : "");
        printf("  %-28s %s\n", left, opts[i].help);
    }
    printf("  %-28s %s\n", "-h, --help", "show this help");
}

int cli_get_double(const struct cli_args *args, const struct cli_option *opts, const char *name,
                   double fallback, double *out)
{
    const char *v = cli_get(args, opts, name);
    if (v == NULL) {
        *out = fallback;
        return LS_OK;
    }
    if (ls_parse_double(v, out) != 0) LS_ERROR(LS_ERR_USAGE, "--%s expects a number, got '%s'", name, v);
    return LS_OK;
}

int cli_get_threads_pools(const struct cli_args *args, const struct cli_option *opts, int *threads, int *pools)
{
    long t = 0, k = 0;
    *threads = *pools = 0;
    LS_TRY(cli_get_int(args, opts, "threads", 0, &t));
    if (t < 0 || t > 4096) LS_ERROR(LS_ERR_USAGE, "--threads %ld: give a positive number of OpenMP threads", t);
    if (pools != NULL && cli_get(args, opts, "pools") != NULL) {
        LS_TRY(cli_get_int(args, opts, "pools", 0, &k));
        if (k < 1 || k > ls_par_size())
            LS_ERROR(LS_ERR_USAGE, "--pools %ld: between 1 and the number of MPI processes (%d here; start more with "
                                   "mpirun -np N)", k, ls_par_size());
    }
#ifdef _OPENMP
    if (t > 0) omp_set_num_threads((int)t);
#endif
    *threads = (int)t;
    if (pools != NULL) *pools = (int)k;
    return LS_OK;
}

void cli_json_lattice_keys(struct ls_json *j, const double len_a[3], const double ang_deg[3])
{
    ls_json_number(j, "a_A", len_a[0]);
    ls_json_number(j, "b_A", len_a[1]);
    ls_json_number(j, "c_A", len_a[2]);
    ls_json_number(j, "alpha_deg", ang_deg[0]);
    ls_json_number(j, "beta_deg", ang_deg[1]);
    ls_json_number(j, "gamma_deg", ang_deg[2]);
}

int cli_list_contains(const char *list, const char *name)
{
    return ls_list_has(list, ',', name);
}

int cli_get_int_range(const struct cli_args *args, const struct cli_option *opts, const char *name, long fallback,
                      long lo, long hi, const char *what, long *out)
{
    LS_TRY(cli_get_int(args, opts, name, fallback, out));
    if (*out < lo || *out > hi)
        LS_ERROR(LS_ERR_USAGE, "--%s must be between %ld and %ld (%s), got %ld", name, lo, hi, what, *out);
    return LS_OK;
}

int cli_get_double_range(const struct cli_args *args, const struct cli_option *opts, const char *name,
                         double fallback, double lo, double hi, const char *unit, double *out)
{
    LS_TRY(cli_get_double(args, opts, name, fallback, out));
    if (!(*out >= lo && *out <= hi))
        LS_ERROR(LS_ERR_USAGE, "--%s must be between %g and %g%s%s, got %g", name, lo, hi, unit[0] ? " " : "", unit, *out);
    return LS_OK;
}

int cli_check_output(const char *option, const char *out, int n, const char *const *inputs)
{
    struct stat so, si;
    if (out == NULL || strcmp(out, "-") == 0 || stat(out, &so) != 0) return LS_OK;
    for (int k = 0; k < n; k++) {
        if (inputs[k] == NULL || strcmp(inputs[k], "-") == 0 || stat(inputs[k], &si) != 0) continue;
        if (so.st_dev == si.st_dev && so.st_ino == si.st_ino)
            LS_ERROR(LS_ERR_USAGE, "--%s %s is the input %s: writing there would overwrite it; give another path", option,
                     out, inputs[k]);
    }
    return LS_OK;
}

int cli_get_int(const struct cli_args *args, const struct cli_option *opts, const char *name,
                long fallback, long *out)
{
    const char *v = cli_get(args, opts, name);
    if (v == NULL) {
        *out = fallback;
        return LS_OK;
    }
    if (ls_parse_long(v, out) != 0) LS_ERROR(LS_ERR_USAGE, "--%s expects a whole number, got '%s'", name, v);
    return LS_OK;
}
