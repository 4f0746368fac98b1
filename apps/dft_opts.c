/* Helpers shared by the DFT commands; see dft_opts.h. */
#include "apps/dft_opts.h"

#include "common/err.h"

int dft_cli_read_single_point(const struct cli_args *a, const struct cli_option *opts, const char *command,
                              const char *const *names, int n, dft_params *p)
{
    dft_params_init(p);
    int threads = 0, pools = 0;
    LS_TRY(cli_get_threads_pools(a, opts, &threads, &pools));
    p->n_threads = threads;
    p->n_pools = pools;
    struct dft_relax_request req;
    LS_TRY(dft_params_read_relax(a->pos[0], p, &req)); /* YAML by extension, else pw.x */
    /* A relax/vc-relax input is refused rather than computed at its starting geometry only: a
     * user who asked for a relaxation must not get an SCF without noticing. */
    LS_TRY(dft_relax_request_check_single_point(&req, a->pos[0], command));
    return dft_cli_check_outputs(a, opts, names, n, a->pos[0], p);
}

int dft_cli_check_outputs(const struct cli_args *a, const struct cli_option *opts, const char *const *names, int n,
                          const char *input, const dft_params *p)
{
    const char *inputs[DFT_MAX_SPECIES + 1];
    inputs[0] = input;
    for (int k = 0; k < p->n_species; k++) inputs[k + 1] = p->species[k].pseudo;
    for (int k = 0; k < n; k++) LS_TRY(cli_check_output(names[k], cli_get(a, opts, names[k]), p->n_species + 1, inputs));
    return LS_OK;
}
