/* Fuzz harness: model files of the neural-network potentials (nnp_model_load), then a
 * prediction (energy, forces, stress) on a small periodic cell of the model's elements, which
 * must be finite for a model that loads.  See fuzz/README.md. */
#include <math.h>

#include "common/elements.h"
#include "surrogate/surrogate.h"
#include "fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_quiet();
    const char *path = fuzz_path("model.nnp");
    fuzz_write(path, data, size, NULL, 0);
    nnp_model *m = NULL;
    int status = nnp_model_load(path, &m);
    fuzz_check_status(status, "nnp_model_load");
    if (status == LS_OK) {
        /* Three atoms in a 7-bohr cube, of the model's first (and second) element. */
        ls_structure *s = NULL;
        if (ls_structure_create(3, &s) != LS_OK) abort();
        for (int k = 0; k < 3; k++) s->cell[k][k] = 7.0;
        static const double pos[3][3] = {{0.3, 0.2, 0.1}, {3.1, 3.4, 2.9}, {5.0, 1.2, 4.4}};
        for (int ia = 0; ia < 3; ia++) {
            int z = nnp_model_element_z(m, ia % nnp_model_n_elem(m));
            if (ls_structure_set_species(s, ia, ls_element_symbol(z)) != LS_OK) abort();
            for (int k = 0; k < 3; k++) s->pos[ia][k] = pos[ia][k];
        }
        double forces[3][3];
        struct nnp_result res = {.forces = forces};
        status = nnp_model_predict(m, s, &res);
        fuzz_check_status(status, "nnp_model_predict");
        ls_structure_destroy(s);
    }
    ls_error_clear();
    nnp_model_destroy(m);
    return 0;
}
