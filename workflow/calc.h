/* The calculator contract: how a workflow (relaxation, equation of state, molecular dynamics, a
 * campaign step) asks any energy model (the DFT engine, a neural-network potential, an analytic
 * model in a test) for the energy, forces and stress of a geometry.
 *
 *     int status = calc(ctx, s, &energy, forces, stress);
 *
 * Units (Hartree atomic units, as everywhere in the library): energy in Ha; forces in Ha/bohr,
 * [s->n_atom][3], F = -dE/dr; stress in Ha/bohr^3 with ASE's sign, sigma_ab = (1/V) dE/d eps_ab
 * (positive = tensile).  forces and stress may be NULL: not wanted (a calculator may then skip
 * their work).
 *
 * Rules every calculator follows and every driver relies on:
 *  1. Status.
 *     LS_OK               a trustworthy result: energy and every non-NULL output filled.
 *     LS_ERR_CONVERGENCE  no trustworthy result for this geometry (an SCF that did not converge):
 *                         the outputs are filled with the last iterate for reporting only; a
 *                         driver must not take this geometry as a point of its path.  The message
 *                         says why.
 *     LS_ERR_INTERRUPTED  a stop was requested by a signal (common/stop.h) during the calculation:
 *                         nothing is filled; the driver writes its own checkpoint and returns it.
 *     LS_ERR_LIMIT        the calculator's own per-calculation limit (wall time, a cancel
 *                         callback) stopped it: nothing is filled; the process goes on.
 *     anything else       an error (LS_ERR_INPUT: the geometry does not fit the calculator, e.g. an
 *                         element the potential does not know), nothing trustworthy filled.
 *  2. Ownership.  s is borrowed for the duration of the call: the calculator reads it, never
 *     modifies it and keeps no pointer to it.  The output arrays belong to the caller.  The
 *     context `ctx` belongs to whoever created it (the calculator's own _create/_destroy); a
 *     struct ls_calc holds borrowed pointers only.
 *  3. Identity of the atoms.  A calculator set up for one structure (the DFT engine: its
 *     parameters' structure) accepts geometries with the same atoms in the same order (same
 *     elements); the cell and the positions may change from call to call.
 *  4. State.  A calculator may keep state between calls to go faster (the DFT engine starts each
 *     SCF from the previous solution); the result of a call must not depend on it beyond the
 *     calculator's convergence threshold.  One driver at a time uses a calculator object (no
 *     concurrent calls on one ctx).
 *  5. No printing to stdout and no exit; messages through common/err.h and common/log.h.
 */
#ifndef LS_WORKFLOW_CALC_H
#define LS_WORKFLOW_CALC_H

#include "common/structure.h"

typedef int (*ls_calc_fn)(void *ctx, const ls_structure *s, double *energy, double (*forces)[3],
                          double stress[3][3]);

/* What a calculator may tell about its last call besides energy, forces and stress. */
struct ls_calc_info {
    int n_iter;               /* iterations of the last call (SCF iterations); 0: not iterative */
    int has_spread;           /* 1: an ensemble's spread is known (the fields below) */
    double energy_spread;     /* Ha, standard deviation over the members */
    double max_force_spread;  /* Ha/bohr, the largest per-atom force spread */
    int n_extrapolating;      /* atoms outside the model's training range */
};

/* A calculator with its optional hooks, for drivers that need more than ls_calc_fn (the EOS
 * driver, molecular dynamics).  Every hook may be NULL ("not provided"). */
typedef struct ls_calc {
    const char *name;  /* "dft", "nnp", ... (messages) */
    ls_calc_fn compute;
    void *ctx;
    /* Fill *info about the last compute (zeroed by the caller before the call). */
    void (*info)(void *ctx, struct ls_calc_info *info);
    /* Where to save the state of a calculation that a signal stops (path NULL or "": nowhere),
     * and with restart, start the next calculation from the state in `path` if the file exists.
     * LS_ERR_INPUT when that file belongs to another system. */
    int (*set_checkpoint)(void *ctx, const char *path, int restart);
} ls_calc;

/* ls_calc_info of calc's last call (all zero without an info hook). */
void ls_calc_last_info(const ls_calc *calc, struct ls_calc_info *info);

#endif
