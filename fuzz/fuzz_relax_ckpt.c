/* Fuzz harness: relaxation checkpoints (ls_relax_run with restart: workflow/relax_state.c and the
 * optimisers' load), with a valid checksum appended so that mutations reach the records; the run
 * then continues for a few steps on a spring model (fuzz/fuzz_ckpt_setup.h).  The first byte
 * chooses BFGS or FIRE, positions or positions and cell.  See fuzz/README.md. */
#include "fuzz/fuzz.h"
#include "fuzz/fuzz_ckpt_setup.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_quiet();
    if (size < 1) return 0;
    const char *path = fuzz_path("relax.ckpt");
    fuzz_write_checkpoint(path, data + 1, size - 1);
    struct ls_relax_config cfg;
    fuzz_spring_config(data[0] & 3, path, &cfg);
    struct fuzz_spring model;
    fuzz_spring_model(&model);
    ls_structure *s = NULL;
    if (fuzz_spring_structure(&s) != 0) abort();
    struct ls_relax_result res;
    memset(&res, 0, sizeof res);
    int status = ls_relax_run(s, fuzz_spring_calc, &model, &cfg, &res);
    if (status != LS_ERR_CONVERGENCE && status != LS_ERR_NUMERIC) fuzz_check_status(status, "ls_relax_run");
    ls_error_clear();
    ls_relax_result_free(&res);
    ls_structure_destroy(s);
    return 0;
}
