/* The labelled frame of a DFT result (dft_result_label in dft/dft.h). */
#include "common/err.h"
#include "dft/dft.h"

int dft_result_label(const dft_result *r, const ls_structure *s, ls_structure **frame)
{
    *frame = NULL;
    if (s->n_atom != r->n_atom)
        LS_ERROR(LS_ERR_INPUT, "a DFT result of %d atoms cannot label a structure of %d", r->n_atom, s->n_atom);
    ls_structure *f = NULL;
    LS_TRY(ls_structure_copy(s, &f));
    int status = ls_structure_set_labels(f, r->energy_free, (const double(*)[3])r->forces,
                                         r->has_stress ? (const double(*)[3])r->stress : NULL, r->atom_magnetization);
    if (status == LS_OK) status = ls_structure_info_set(f, "calculator", "lodestone-scf");
    if (status != LS_OK) {
        ls_structure_destroy(f);
        return status;
    }
    *frame = f;
    return LS_OK;
}
