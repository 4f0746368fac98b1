/* Fuzz harness: Quantum ESPRESSO pw.x inputs (dft_params_read_qe), then dft_params_check_sizes
 * (fuzz/fuzz_params.h).  See fuzz/README.md. */
#include "fuzz/fuzz_params.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_params_one(data, size, "pw.in", dft_params_read_qe, "dft_params_read_qe");
    return 0;
}
