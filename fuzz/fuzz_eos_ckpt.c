/* Fuzz harness: checkpoints of the equation of state (eos_checkpoint_load, workflow/eos_checkpoint.c),
 * with a valid checksum appended so that mutations reach the records, then the Birch-Murnaghan fit
 * of the loaded points.  The run (seven volumes of a two-atom cell, fuzz/fuzz_ckpt_setup.h) has the
 * relaxation mode the first byte chooses.  See fuzz/README.md. */
#include "fuzz/fuzz.h"
#include "fuzz/fuzz_eos_setup.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_quiet();
    if (size < 1) return 0;
    const char *path = fuzz_path("eos.ckpt");
    fuzz_write_checkpoint(path, data + 1, size - 1);
    struct ls_eos_result r;
    fuzz_eos_run(data[0] % 3, &r);
    int n_loaded = 0;
    int status = eos_checkpoint_load(path, &r, &n_loaded);
    fuzz_check_status(status, "eos_checkpoint_load");
    if (status == LS_OK) {
        double v[LS_EOS_MAX_VOLUMES], e[LS_EOS_MAX_VOLUMES];
        int n = 0;
        for (int i = 0; i < r.n; i++)
            if (r.pt[i].done && r.pt[i].converged) {
                v[n] = r.pt[i].volume_bohr3;
                e[n] = r.pt[i].energy_ha;
                n++;
            }
        struct ls_eos_bm3 fit;
        if (n >= 4) (void)ls_eos_bm3_fit(v, e, n, &fit);
    }
    ls_error_clear();
    ls_eos_result_free(&r);
    return 0;
}
