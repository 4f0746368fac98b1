/* Helpers shared by the DFT commands (scf, eos, relax).  Internal to apps/. */
#ifndef LS_APPS_DFT_OPTS_H
#define LS_APPS_DFT_OPTS_H

#include "apps/cli.h"
#include "dft/dft.h"

/* The input of a command that computes the given geometry (scf, eos): p initialised, --threads and
 * --pools into it, INPUT (a->pos[0]) read as YAML or pw.x by its extension, a relax / vc-relax
 * input refused naming `command`, and the n outputs `names` checked against the input and its
 * pseudopotentials.  Free p in every case. */
int dft_cli_read_single_point(const struct cli_args *a, const struct cli_option *opts, const char *command,
                              const char *const *names, int n, dft_params *p);

/* None of the n outputs (option names in `names`, their values in a) may be the input file
 * `input` or one of p's pseudopotentials (cli_check_output: LS_ERR_USAGE). */
int dft_cli_check_outputs(const struct cli_args *a, const struct cli_option *opts, const char *const *names, int n,
                          const char *input, const dft_params *p);

#endif
