/* The relaxation part of the pw.x reader (internal to dft/; used by dft/input/input_qe.c):
 * calculation = 'relax' / 'vc-relax', the &control keys forc_conv_thr, etot_conv_thr and
 * nstep, and the namelists &ions and &cell, into struct dft_relax_request (dft/dft.h). */
#ifndef LS_DFT_INPUT_QE_RELAX_H
#define LS_DFT_INPUT_QE_RELAX_H

#include "common/textio.h"
#include "dft/dft.h"

/* Where the relaxation keys were, to check them against `calculation` once the whole file is
 * read (pw.x files may give keys before `calculation`, and pw.x ignores &ions and &cell of
 * calculations that do not use them; Lodestone refuses them instead). */
struct qe_relax_keys {
    long relax_line;       /* first key only a relaxation uses (&control or &ions), 0 if none */
    char relax_key[64];
    long cell_line;        /* first &cell key, 0 if none */
    char cell_key[64];
    long ion_dynamics_line;
    long cell_dofree_line;
    int treinit_gvecs;     /* &cell treinit_gvecs = .true.: new plane waves at every step (constant cutoff) */
    int damped_cell;       /* cell_dynamics 'damp-w', 'damp-pr' or 'sd': pw.x ends without a final SCF */
};

/* pw.x's defaults for every value of the request (kind none, nothing given). */
void qe_relax_request_default(struct dft_relax_request *req);

/* Take `key` (lower case) = `value` (unquoted) of namelist `nl` ("control", "ions", "cell")
 * if it is a relaxation key: *handled = 1 and LS_OK, or LS_ERR_INPUT naming r's file and line
 * for a bad or unsupported value.  *handled = 0 for any other key (and every unknown key of
 * &ions and &cell, which the caller reports as unsupported). */
int qe_relax_set_key(struct qe_relax_keys *k, const ls_text_reader *r, const char *nl, const char *key,
                     const char *value, struct dft_relax_request *req, int *handled);

/* After the whole file (`path`): LS_ERR_INPUT naming the line of a relaxation key that the
 * calculation does not use (any with 'scf', &cell keys with 'relax') or that contradicts
 * another (ion_dynamics = 'fire' with cell_dynamics = 'bfgs'). */
int qe_relax_check(const struct qe_relax_keys *k, const char *path, const struct dft_relax_request *req);

#endif
