/* Fuzz harness: UPF pseudopotentials, versions 1 and 2 (dft_pseudo_read on a .upf file), then
 * the form factors (fuzz/fuzz_pseudo.h).  See fuzz/README.md. */
#include "fuzz/fuzz_pseudo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_quiet();
    const char *path = fuzz_path("x.upf");
    fuzz_write(path, data, size, NULL, 0);
    dft_pseudo *ps = NULL;
    int status = dft_pseudo_read(path, &ps);
    fuzz_check_status(status, "dft_pseudo_read");
    if (status == LS_OK) fuzz_pseudo_use(ps);
    ls_error_clear();
    dft_pseudo_destroy(ps);
    return 0;
}
