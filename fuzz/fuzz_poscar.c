/* Fuzz harness: VASP POSCAR/CONTCAR (ls_poscar_read); see fuzz/fuzz_structure.h and fuzz/README.md. */
#include "fuzz/fuzz_structure.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_structure_one(data, size, LS_FORMAT_POSCAR, "POSCAR", "POSCAR.back");
    return 0;
}
