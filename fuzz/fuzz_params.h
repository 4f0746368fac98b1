/* The DFT input harnesses (fuzz_yaml_input.c, fuzz_qe_input.c): read the bytes as an input file
 * through `read` (dft_params_read_yaml or dft_params_read_qe), then the size checks a calculation
 * makes before it allocates (dft_params_check_sizes), which may only succeed or report an input
 * error. */
#ifndef LS_FUZZ_PARAMS_H
#define LS_FUZZ_PARAMS_H

#include "dft/dft.h"
#include "fuzz/fuzz.h"

static inline void fuzz_params_one(const uint8_t *data, size_t size, const char *name,
                                   int (*read)(const char *, dft_params *), const char *what)
{
    fuzz_quiet();
    const char *path = fuzz_path(name);
    fuzz_write(path, data, size, NULL, 0);
    dft_params p;
    dft_params_init(&p);
    int status = read(path, &p);
    fuzz_check_status(status, what);
    if (status == LS_OK) {
        status = dft_params_check_sizes(&p);
        fuzz_check_status(status, "dft_params_check_sizes");
    }
    ls_error_clear();
    dft_params_free(&p);
}

#endif
