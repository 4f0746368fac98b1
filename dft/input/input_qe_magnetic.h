/* The magnetic keys of the pw.x reader (internal to dft/input/; a table of the key registry of
 * dft/input/input_qe.c): the &system keys noncolin, lspinorb, angle1(i), angle2(i),
 * tot_magnetization, constrained_magnetization, lambda, nspin = 4, and their consistency with
 * nspin, occupations and the pseudopotentials, into the magnetism block of dft_params
 * (dft/dft.h). */
#ifndef LS_DFT_INPUT_QE_MAGNETIC_H
#define LS_DFT_INPUT_QE_MAGNETIC_H

#include "dft/input/input_qe.h"

/* The slot of qe_state's ext[] that the magnetic keys keep their lines in. */
#define QE_EXT_MAGNETIC 0

/* The table (before qe_keys_used in the registry).  Its finish, after the whole file, refuses
 * with FILE:LINE what pw.x refuses (noncolin with nspin = 2, lspinorb without noncolin,
 * tot_magnetization without nspin = 2 and smearing, fixed occupations with nspin = 2 but no
 * tot_magnetization, a non-integer tot_magnetization with fixed occupations). */
extern const struct qe_key_table qe_keys_magnetic;

/* After qe_build (the pseudopotential paths known): lspinorb with a scalar-relativistic file
 * (no PP_SPIN_ORB) is LS_ERR_INPUT naming the line of lspinorb.  LS_OK when spin-orbit is off. */
int qe_magnetic_check_pseudo(struct qe_state *st);

#endif
