/* The state of one `lodestone eos` run, shared by apps/cmd_eos.c (the loop over volumes),
 * apps/eos_relax.c (--relax, --relax-shape: the relaxation at each volume), apps/eos_checkpoint.c
 * (its checkpoint file) and apps/eos_output.c (JSON, CSV, extended XYZ, plot).  Internal to
 * apps/.
 *
 * Units: Hartree atomic units for the computed points (as dft/ gives them); the fit is in
 * eV/atom and Å^3/atom (B0 in eV/Å^3), as reported.
 */
#ifndef LS_APPS_EOS_RUN_H
#define LS_APPS_EOS_RUN_H

#include "workflow/eos_fit.h"
#include "common/structure.h"
#include "common/units.h"
#include "dft/calc.h"

#define EOS_MAX_VOLUMES 200

/* What is done at each volume after the isotropic scaling of the input cell. */
enum eos_relax {
    EOS_RELAX_NONE = 0,  /* fractional positions fixed (the default) */
    EOS_RELAX_POSITIONS, /* --relax: positions relaxed at fixed cell */
    EOS_RELAX_SHAPE      /* --relax-shape: positions and the cell shape at fixed volume */
};
/* "fixed", "positions", "shape" (JSON, checkpoint). */
const char *eos_relax_name(enum eos_relax mode);

/* Why a volume's relaxation ended (struct eos_point.relax_stop). */
enum eos_relax_stop {
    EOS_RELAX_DONE = 0,    /* converged (or nothing to relax) */
    EOS_RELAX_MAX_STEPS,   /* not converged within --relax-steps */
    EOS_RELAX_SCF_FAILED   /* an SCF of the relaxation did not converge */
};

struct eos_point {
    double scale;             /* V / V_in */
    double volume_bohr3;      /* of the cell */
    double energy_ha;         /* free energy F = E - TS of the cell */
    double stress[3][3];      /* Ha/bohr^3, ASE sign (positive = tensile) */
    double pressure_ha_bohr3; /* -trace(stress)/3 */
    int done;                 /* computed, in this run or an earlier one */
    int converged;
    int n_iter;               /* SCF iterations */
    int from_checkpoint;
    double wall_s;            /* of the SCF of this point (in the run that computed it) */
    /* --relax, --relax-shape (zero without): */
    int relax_steps;          /* optimiser steps taken (index of the last evaluated step) */
    int relax_stop;           /* enum eos_relax_stop; `converged` is 0 unless EOS_RELAX_DONE */
    double relax_fmax_ev_a;   /* largest force norm of the final geometry (symmetrised) */
    double relax_stress_dev_gpa; /* --relax-shape: largest |deviatoric stress| component */
    int relax_restart_step;   /* > 0: this run continued the relaxation from its checkpoint at
                                 this step (not stored in the EOS checkpoint) */
};

struct eos_run {
    const char *input;         /* path as given */
    char input_hash[40];       /* "fnv1a64:<16 hex digits>" of the input file's bytes */
    const ls_structure *s_in;  /* the input structure (borrowed) */
    int n_atom;
    char formula[64];          /* "Si2" */
    double v_in_bohr3;         /* volume of the input cell */
    double a1_bohr;            /* |a1| of the input cell */
    int n;                     /* number of volumes */
    struct eos_point *pt;      /* [n], owned */
    double *forces;            /* [n][n_atom][3] Ha/bohr, owned */
    double *cell;              /* [n][3][3] bohr, rows: each done volume's (relaxed) cell, owned */
    double *pos;               /* [n][n_atom][3] bohr: its (relaxed) positions, owned */
    enum eos_relax relax;
    double fmax_ev_a;          /* --fmax (relaxations) */
    double stress_tol_gpa;     /* --stress-tol (--relax-shape) */
    int relax_max_steps;       /* --relax-steps */
    int has_fit;
    struct ls_eos_bm3 fit;     /* eV/atom, Å^3/atom, eV/Å^3 */
    double wall_s;             /* of this run */
};

static inline double eos_volume_a3_per_atom(const struct eos_run *r, const struct eos_point *p)
{
    return p->volume_bohr3 * LS_BOHR_ANGSTROM * LS_BOHR_ANGSTROM * LS_BOHR_ANGSTROM / r->n_atom;
}
static inline double eos_energy_ev_per_atom(const struct eos_run *r, const struct eos_point *p)
{
    return p->energy_ha * LS_HARTREE_EV / r->n_atom;
}
/* s (a copy of in) becomes in scaled isotropically to the volume fraction `scale`, fractional
 * positions fixed. */
void eos_structure_scaled(const ls_structure *in, double scale, ls_structure *s);
/* s (a copy of r->s_in) gets the stored geometry of volume i (r->cell, r->pos). */
void eos_point_structure(const struct eos_run *r, int i, ls_structure *s);
/* Store the geometry of s as volume i's. */
void eos_point_set_geometry(struct eos_run *r, int i, const ls_structure *s);

/* The relaxation of volume i (apps/eos_relax.c), from s (the scaled input cell), with calc as the
 * calculator; fills r->pt[i] (done, energy, stress, relax_*), its forces and geometry.  Returns
 * LS_OK (converged), LS_ERR_CONVERGENCE (the relaxation or an SCF did not converge: the point is
 * filled, from the last good step, and recorded as not converged; with no good step at all its
 * energy is NaN), LS_ERR_INTERRUPTED (a stop signal: the relaxation's checkpoint holds its steps)
 * or another error.  ckpt: the EOS checkpoint (NULL: none), from which the relaxation's own
 * checkpoint is named; restart: continue that one if present.  verbose: a log line per step. */
int eos_relax_volume(struct eos_run *r, int i, dft_calc *calc, ls_structure *s, const char *ckpt, int restart,
                     int verbose);
/* The relaxation checkpoint of volume i: "CKPT.vNN.relax" (NN = i + 1, two digits at least). */
void eos_relax_checkpoint_path(const char *ckpt, int i, char *buf, size_t size);
/* Rank 0 removes volume i's relaxation checkpoint (absent: fine; failure: a warning). */
void eos_relax_checkpoint_remove(const char *ckpt, int i);
/* a0 = |a1| (V0 / V_in)^(1/3), Å. */
double eos_a0_angstrom(const struct eos_run *r);
/* The lattice at V0 (needs r->has_fit): the lengths (Å) and angles (degrees) of the cell rows.
 * Without --relax-shape, the input cell scaled by (V0 / V_in)^(1/3), exactly (*n_used = 0).
 * With it, each of the six fitted over the converged volumes' relaxed cells as a quadratic in V
 * (least squares; a line through 2 volumes, the value of 1), evaluated at V0 (*n_used: the
 * volumes used).  LS_ERR_CONVERGENCE when no volume converged; GSL's error otherwise. */
int eos_lattice_at_v0(const struct eos_run *r, double len_a[3], double ang_deg[3], int *n_used);

/* Checkpoint (apps/eos_checkpoint.c): written atomically after every finished volume. */
int eos_checkpoint_write(const char *path, const struct eos_run *r);
/* Take the finished volumes of the checkpoint `path` into r (from_checkpoint = 1).
 * LS_ERR_INPUT, naming the file and what differs, when it belongs to another input or
 * volume list, and for a corrupt file. */
int eos_checkpoint_load(const char *path, struct eos_run *r, int *n_loaded);
/* "fnv1a64:..." of a file's bytes (LS_ERR_IO if unreadable). */
int eos_input_hash(const char *path, char hash[40]);

/* Outputs (apps/eos_output.c). */
int eos_write_json(const char *path, const struct eos_run *r); /* "-": stdout */
int eos_write_csv(const char *path, const struct eos_run *r);
/* Append one extended-XYZ frame per converged volume (energy, forces, stress). */
int eos_append_xyz(const char *path, const struct eos_run *r);
/* SVG or PNG by the extension, through gnuplot: writes PLOT-STEM.gp (the script with the data
 * in it) and runs gnuplot on it.  Without gnuplot (or if it fails) a warning says how to make
 * the image later; the run does not fail for it.  LS_ERR_IO only when the script cannot be
 * written. */
int eos_plot(const char *path, const struct eos_run *r);

#endif
