/* Fuzz harness: SCF checkpoints (dft_scf_checkpoint_load: the identity and the saved state of
 * dft/scf/start.c), with a valid checksum appended so that mutations reach the records, then the
 * starting density the state gives on the grid of the run (dft_start_density).  The run is Si2
 * (fuzz/fuzz_ckpt_setup.h); the first byte chooses 1 or 2 spin channels.  See fuzz/README.md. */
#include <stdlib.h>

#include "dft/scf/run.h"
#include "dft/scf/start.h"
#include "dft/scf/system.h"
#include "fuzz/fuzz.h"
#include "fuzz/fuzz_ckpt_setup.h"

static dft_params params[2];
static dft_system *sys[2];
static double *rho[2];

static void setup(void)
{
    static int done;
    if (done) return;
    done = 1;
    fuzz_quiet();
    for (int i = 0; i < 2; i++) {
        if (fuzz_si2_params(i + 1, &params[i]) != 0 || dft_system_create(&params[i], &sys[i]) != LS_OK) {
            fprintf(stderr, "fuzz_scf_ckpt: cannot set up Si2: %s\n", ls_error_message());
            abort();
        }
        rho[i] = malloc((size_t)(i + 1) * (size_t)sys[i]->grid->n_r * sizeof *rho[i]);
        if (rho[i] == NULL) abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup();
    if (size < 1) return 0;
    int v = data[0] & 1;
    const char *path = fuzz_path("scf.ckpt");
    fuzz_write_checkpoint(path, data + 1, size - 1);
    dft_start *st = NULL;
    int status = dft_scf_checkpoint_load(path, &params[v], &st);
    fuzz_check_status(status, "dft_scf_checkpoint_load");
    if (status == LS_OK && st != NULL) {
        status = dft_start_density(st, sys[v], rho[v]);
        fuzz_check_status(status, "dft_start_density");
    }
    ls_error_clear();
    dft_start_destroy(st);
    return 0;
}
