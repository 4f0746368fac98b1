/* Fuzz harness: Lodestone's YAML input of `lodestone scf` (dft_params_read_yaml, through
 * common/config.c and libfyaml), then the size checks a calculation makes before it allocates
 * (dft_params_check_sizes).  Inline cells reach everything; a 'structure: FILE' entry reads
 * relative to the scratch folder.  See fuzz/README.md. */
#include "dft/dft.h"
#include "fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_quiet();
    const char *path = fuzz_path("input.yaml");
    fuzz_write(path, data, size, NULL, 0);
    dft_params p;
    dft_params_init(&p);
    int status = dft_params_read_yaml(path, &p);
    fuzz_check_status(status, "dft_params_read_yaml");
    if (status == LS_OK) {
        status = dft_params_check_sizes(&p);
        fuzz_check_status(status, "dft_params_check_sizes");
    }
    ls_error_clear();
    dft_params_free(&p);
    return 0;
}
