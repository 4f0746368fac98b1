/* Fuzz harness: Lodestone's YAML input of `lodestone scf` (dft_params_read_yaml, through
 * common/config.c and libfyaml), then dft_params_check_sizes (fuzz/fuzz_params.h).  Inline cells
 * reach everything; a 'structure: FILE' entry reads relative to the scratch folder.  See
 * fuzz/README.md. */
#include "fuzz/fuzz_params.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_params_one(data, size, "input.yaml", dft_params_read_yaml, "dft_params_read_yaml");
    return 0;
}
