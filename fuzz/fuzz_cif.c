/* Fuzz harness: CIF (ls_cif_read, with its symmetry expansion); see fuzz/fuzz_structure.h and fuzz/README.md. */
#include "fuzz/fuzz_structure.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_structure_one(data, size, LS_FORMAT_CIF, "x.cif", "back.cif");
    return 0;
}
