/* The structure formats' harnesses (fuzz_poscar.c, fuzz_cif.c, fuzz_xsf.c, fuzz_extxyz.c): read
 * the bytes as a file of one format through the public entry point (ls_structures_read), and
 * for what reads, the checks every command makes (overlap, formula), then the writer of the same
 * format, whose output must read back with the same number of atoms (a round trip a user of
 * `lodestone convert` relies on). */
#ifndef LS_FUZZ_STRUCTURE_H
#define LS_FUZZ_STRUCTURE_H

#include <math.h>

#include "common/io.h"
#include "common/structure.h"
#include "common/units.h"
#include "fuzz/fuzz.h"

static inline void fuzz_structure_one(const uint8_t *data, size_t size, enum ls_format format, const char *name,
                                      const char *back_name)
{
    fuzz_quiet();
    const char *path = fuzz_path(name);
    fuzz_write(path, data, size, NULL, 0);
    ls_structure_list *list = NULL;
    int status = ls_structures_read(path, format, &list);
    fuzz_check_status(status, "read");
    if (status != LS_OK) {
        ls_error_clear();
        return;
    }
    for (int i = 0; i < list->n; i++) {
        const ls_structure *s = list->items[i];
        char formula[256];
        ls_structure_formula(s, 1, formula, sizeof formula);
        (void)ls_structure_min_distance(s, NULL, NULL);
    }
    /* Round trip: what was read is written and must read back (one frame but for extended XYZ). */
    ls_structure_list one = {1, 1, list->items};
    const char *back_path = fuzz_path(back_name);
    status = ls_structures_write(back_path, format, format == LS_FORMAT_EXTXYZ ? list : &one);
    fuzz_check_status(status, "write");
    if (status == LS_OK) {
        ls_structure_list *again = NULL;
        status = ls_structures_read(back_path, format, &again);
        /* Two atoms (or an atom and its image) at the overlap threshold itself may fall on either side
         * of it after the writer's conversion to Å and the reader's back: not a failure of the round trip. */
        int at_threshold = 0;
        for (int i = 0; i < (format == LS_FORMAT_EXTXYZ ? list->n : 1); i++) {
            double d_min = ls_structure_min_distance(list->items[i], NULL, NULL) * LS_BOHR_ANGSTROM;
            at_threshold |= fabs(d_min - LS_IO_MIN_DISTANCE_A) < 1e-9 * LS_IO_MIN_DISTANCE_A;
        }
        if (status != LS_OK && !at_threshold) {
            fprintf(stderr, "round trip: the written file does not read back: %s\n", ls_error_message());
            abort();
        }
        if (status == LS_OK && again->items[0]->n_atom != list->items[0]->n_atom) {
            fprintf(stderr, "round trip: %d atoms written, %d read back\n", list->items[0]->n_atom,
                    again->items[0]->n_atom);
            abort();
        }
        ls_structure_list_destroy(again);
    }
    ls_error_clear();
    ls_structure_list_destroy(list);
}

#endif
