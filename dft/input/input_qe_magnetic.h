/* The magnetic part of the pw.x reader (internal to dft/; a hook in dft/input/input_qe.c): the
 * &system keys noncolin, lspinorb, angle1(i), angle2(i), tot_magnetization,
 * constrained_magnetization, lambda, and their consistency with nspin, occupations and the
 * pseudopotentials, into the magnetism block of dft_params (dft/dft.h). */
#ifndef LS_DFT_INPUT_QE_MAGNETIC_H
#define LS_DFT_INPUT_QE_MAGNETIC_H

#include "common/textio.h"
#include "dft/dft.h"

/* Where the keys were: the consistency checks run once the whole file is read (pw.x files give
 * keys in any order), and their errors name the line. */
struct qe_magnetic_keys {
    long noncolin_line, lspinorb_line, nspin_line, tot_mag_line, constraint_line, lambda_line;
    long occupations_line;
    int nspin;                            /* as given (1 if absent) */
    int fixed_occupations;                /* occupations = 'fixed' given (pw.x's default too) */
    int occupations_given;
    long smag_line[DFT_MAX_SPECIES + 1];  /* starting_magnetization(i) */
    double smag[DFT_MAX_SPECIES + 1];
};

/* Take `key` (lower case) = `value` (unquoted) of namelist `nl` if it is a magnetic key:
 * *handled = 1 and LS_OK, or LS_ERR_INPUT naming r's file and line for a bad or unsupported
 * value.  Keys the main reader handles (nspin, starting_magnetization, occupations) are noted
 * and left to it (*handled = 0), except nspin = 4, pw.x's spelling of noncolin. */
int qe_magnetic_set_key(struct qe_magnetic_keys *k, const ls_text_reader *r, const char *nl, const char *key,
                        const char *value, dft_params *p, int *handled);

/* After the whole file (`path`) and the species (their pseudopotential paths): LS_ERR_INPUT
 * naming the line for what pw.x refuses (noncolin with nspin = 2, lspinorb without noncolin,
 * tot_magnetization without nspin = 2 and smearing, fixed occupations with nspin = 2 but no
 * tot_magnetization, a non-integer tot_magnetization with fixed occupations) and for what
 * Lodestone cannot do (lspinorb with a scalar-relativistic pseudopotential). */
int qe_magnetic_check(const struct qe_magnetic_keys *k, const char *path, dft_params *p);

#endif
