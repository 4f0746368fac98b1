/* The state of one `lodestone eos` run, shared by apps/cmd_eos.c (the loop over volumes),
 * apps/eos_checkpoint.c (its checkpoint file) and apps/eos_output.c (JSON, CSV, extended XYZ,
 * plot).  Internal to apps/.
 *
 * Units: Hartree atomic units for the computed points (as dft/ gives them); the fit is in
 * eV/atom and Å^3/atom (B0 in eV/Å^3), as reported.
 */
#ifndef LS_APPS_EOS_RUN_H
#define LS_APPS_EOS_RUN_H

#include "common/eos.h"
#include "common/structure.h"
#include "common/units.h"

#define EOS_MAX_VOLUMES 200

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
/* a0 = |a1| (V0 / V_in)^(1/3), Å. */
double eos_a0_angstrom(const struct eos_run *r);

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
