/* Helpers shared by the DFT commands; see dft_opts.h. */
#include "apps/dft_opts.h"

#include "common/err.h"

int dft_cli_check_outputs(const struct cli_args *a, const struct cli_option *opts, const char *const *names, int n,
                          const char *input, const dft_params *p)
{
    const char *inputs[DFT_MAX_SPECIES + 1];
    inputs[0] = input;
    for (int k = 0; k < p->n_species; k++) inputs[k + 1] = p->species[k].pseudo;
    for (int k = 0; k < n; k++) LS_TRY(cli_check_output(names[k], cli_get(a, opts, names[k]), p->n_species + 1, inputs));
    return LS_OK;
}
