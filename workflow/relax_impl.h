/* Internal to workflow/relax*.c: the driver's state as saved in checkpoints, and helpers
 * shared by the optimisers. */
#ifndef LS_RELAX_IMPL_H
#define LS_RELAX_IMPL_H

#include "workflow/relax.h"

/* What a checkpoint holds besides the optimiser's own records. */
struct ls_relax_state {
    int n_atom;
    int relax_cell;
    int fixed_volume;     /* the cell shape only (relax.h) */
    long nq;              /* 3 n_atom (+ 9 with the cell) */
    double *q;            /* [nq] the coordinates of the next step to evaluate */
    double cell0[3][3];   /* reference cell of the deformation (bohr) */
    int step;             /* index of the next step to evaluate */
    struct ls_relax_result *res; /* its history (owned by the result) */
    const struct ls_relax_optimizer *opt;
    void *opt_state;
};

/* Write the state and the run's identity (cfg->identity) atomically to cfg->checkpoint;
 * s is the geometry of q (kept for inspection). */
int ls_relax_state_write(const struct ls_relax_state *st, const struct ls_relax_config *cfg,
                         const ls_structure *s);
/* Read cfg->checkpoint into st (q, cell0, step, history, optimiser state; st's sizes and
 * optimiser must already be set).  LS_ERR_INPUT naming the file when it is corrupt, from
 * another input ("written for another input") or other options, or does not fit. */
int ls_relax_state_read(struct ls_relax_state *st, const struct ls_relax_config *cfg);
/* Append a step to the history (grows res->history). */
int ls_relax_history_push(struct ls_relax_result *res, const struct ls_relax_history *h);

/* Keep only the frames of an extended-XYZ trajectory whose step= key is below first_step
 * (0: an empty file); the file is rewritten atomically.  An absent file is fine.
 * LS_ERR_INPUT naming the file and line for a frame without step= or a malformed file. */
int ls_relax_traj_truncate(const char *path, int first_step);
/* Append the frame of a step (raw forces and stress, step= and fmax= keys). */
int ls_relax_traj_append(const char *path, const struct ls_relax_step *st);

/* The geometry of the coordinates q (relax.h): the cell and positions of s (its other fields
 * untouched), the deformation D and *m_scale = det(M)^(-1/3) at fixed volume (1 otherwise).
 * LS_ERR_NUMERIC if a fixed-volume deformation is singular. */
int ls_relax_geometry(const double *q, int n, int relax_cell, int fixed_volume, const double cell0[3][3],
                      ls_structure *s, double D[3][3], double *m_scale);
/* The generalised force f = -dH/dq (eV/Å on the atoms' r~, eV on c eps) from the forces F
 * (Ha/bohr, cleaned) and the stress sigma (Ha/bohr^3, ASE sign) of the geometry s = geometry(q)
 * with D and m_scale from ls_relax_geometry; p_target in Ha/bohr^3 (0 at fixed volume). */
void ls_relax_generalised_force(const ls_structure *s, int relax_cell, int fixed_volume, const double D[3][3],
                                double m_scale, const double (*F)[3], const double sigma[3][3], double p_target,
                                double *f);

/* Scale dq (nq values, groups of three) so that no group moves more than max_step. */
void ls_relax_limit_step(double *dq, long nq, double max_step);

#endif
