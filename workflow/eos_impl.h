/* Internal to workflow/eos*.c: the pieces of the equation-of-state driver (eos.c) that live in
 * their own files (eos_relax.c: the relaxation at one volume; eos_checkpoint.c: the checkpoint;
 * eos_lattice.c: geometry helpers and the lattice at V0). */
#ifndef LS_WORKFLOW_EOS_IMPL_H
#define LS_WORKFLOW_EOS_IMPL_H

#include "workflow/eos.h"

/* s (a copy of in) becomes in scaled isotropically to the volume fraction `scale`, fractional
 * positions fixed. */
void eos_structure_scaled(const ls_structure *in, double scale, ls_structure *s);
/* Store the geometry of s as volume i's. */
void eos_point_set_geometry(struct ls_eos_result *r, int i, const ls_structure *s);

/* The relaxation of volume i (eos_relax.c), from s (the scaled input cell), with calc as the
 * calculator; fills r->pt[i] (done, energy, stress, relax_*), its forces and geometry.  Returns
 * LS_OK (converged), LS_ERR_CONVERGENCE (the relaxation or a calculation did not converge: the
 * point is filled, from the last good step, and recorded as not converged; with no good step at
 * all its energy is NaN), LS_ERR_INTERRUPTED (a stop signal: the relaxation's checkpoint holds its
 * steps) or another error.  ckpt: the EOS checkpoint (NULL: none), from which the relaxation's own
 * checkpoint is named; restart: continue that one if present.  verbose: a log line per step. */
int eos_relax_volume(struct ls_eos_result *r, int i, const ls_calc *calc, ls_structure *s, const char *ckpt,
                     int restart, int verbose);
/* The relaxation checkpoint of volume i: "CKPT.vNN.relax" (NN = i + 1, two digits at least). */
void eos_relax_checkpoint_path(const char *ckpt, int i, char *buf, size_t size);
/* Rank 0 removes volume i's relaxation checkpoint (absent: fine; failure: a warning). */
void eos_relax_checkpoint_remove(const char *ckpt, int i);

/* Checkpoint (eos_checkpoint.c): written atomically after every finished volume. */
int eos_checkpoint_write(const char *path, const struct ls_eos_result *r);
/* Take the finished volumes of the checkpoint `path` into r (from_checkpoint = 1).
 * LS_ERR_INPUT, naming the file and what differs, when it belongs to another input or
 * volume list, and for a corrupt file. */
int eos_checkpoint_load(const char *path, struct ls_eos_result *r, int *n_loaded);

#endif
