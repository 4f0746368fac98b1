/* The DFT engine as a calculator (the contract of workflow/calc.h) for relaxations, equations of
 * state, molecular dynamics and campaigns: one object that keeps the parameters and, between
 * calls, the last density and wavefunctions, so that each new geometry starts from the previous
 * solution.  Public: any subsystem may include it.
 *
 *     dft_calc *c = NULL;
 *     LS_TRY(dft_calc_create(&params, &c));             params copied (structure too)
 *     status = dft_calc_compute(c, s, &e, f, stress);   an ls_calc_fn
 *     const dft_result *r = dft_calc_result(c);         the full result of the last call
 *     ls_calc calc;  dft_calc_bind(c, &calc);           for drivers that take a struct ls_calc
 *     dft_calc_destroy(c);
 *
 * dft_calc_compute returns (workflow/calc.h, rule 1) LS_OK; LS_ERR_CONVERGENCE with energy,
 * forces and stress filled when the SCF did not converge; LS_ERR_INTERRUPTED (nothing filled)
 * when a stop was requested by SIGTERM/SIGINT/SIGUSR1 (common/stop.h) during the SCF; LS_ERR_LIMIT
 * (nothing filled) when the limit of dft_calc_set_limit stopped it.  The structure s must have the
 * same atoms, in the same order (the same elements), as params->structure; its cell and positions
 * may differ.  The species of each atom (its pseudopotential, its starting magnetisation) are
 * those of the parameters, whatever labels s carries.  Forces (Ha/bohr) and stress (Ha/bohr^3,
 * ASE sign) are computed when the pointers are not NULL.
 */
#ifndef LS_DFT_CALC_H
#define LS_DFT_CALC_H

#include "dft/dft.h"
#include "workflow/calc.h"

typedef struct dft_calc dft_calc;

int dft_calc_create(const dft_params *p, dft_calc **out);
void dft_calc_destroy(dft_calc *c); /* accepts NULL */
int dft_calc_compute(void *c, const ls_structure *s, double *energy, double (*forces)[3], double stress[3][3]);
/* The result of the last dft_calc_compute that produced one (NULL before the first). */
const dft_result *dft_calc_result(const dft_calc *c);
/* The parameters the calculator runs with (its own copy; the structure holds the last geometry). */
const dft_params *dft_calc_params(const dft_calc *c);
/* calc becomes c as a struct ls_calc: name "dft", compute dft_calc_compute, the info hook (SCF
 * iterations of the last call) and the set_checkpoint hook (dft_calc_set_checkpoint).  c is
 * borrowed: it must outlive calc's use. */
void dft_calc_bind(dft_calc *c, ls_calc *calc);
/* SCF state across a stop.  With a path, a stop requested by a signal during an SCF writes that
 * SCF's state (density and wavefunctions, the format of `lodestone scf` checkpoints) to `path`
 * before dft_calc_compute returns LS_ERR_INTERRUPTED, and an SCF that converges removes the
 * file.  With restart, the state in `path`, if the file exists, becomes the start of the next
 * SCF (whatever its geometry: it is carried over as the previous solution is); LS_ERR_INPUT if
 * it belongs to other atoms.  NULL or "": none (the default). */
int dft_calc_set_checkpoint(dft_calc *c, const char *path, int restart);
/* Also write the SCF state to the checkpoint of dft_calc_set_checkpoint every every_s seconds of
 * wall time during an SCF (checked after each iteration; INFINITY, the default: on a stop only),
 * so that work survives a kill -9 too.  LS_ERR_USAGE without a checkpoint path or for every_s
 * that is not positive. */
int dft_calc_set_checkpoint_interval(dft_calc *c, double every_s);
/* A per-calculation limit, checked after every SCF iteration: each dft_calc_compute that has run
 * longer than wall_s seconds of wall time (0: no limit), or for which cancel(cancel_ctx) returns
 * non-zero (NULL: none), stops with LS_ERR_LIMIT and a message saying which limit; nothing is
 * filled and the previous solution stays the start of the next call.  The process is not
 * signalled and common/stop.h is not involved: a driver stops one calculation and goes on.  With
 * MPI every process must set the same limit; the decision is taken together (rank 0's clock, a
 * cancel on any rank).  LS_ERR_USAGE for a negative or non-finite wall_s. */
int dft_calc_set_limit(dft_calc *c, double wall_s, int (*cancel)(void *cancel_ctx), void *cancel_ctx);
/* Start the next SCF from scratch (atomic densities) instead of the previous solution. */
void dft_calc_forget(dft_calc *c);
/* Whether the parameters keep the plane waves of a reference cell and ask for a final SCF
 * (dft_params.basis_ref_given and basis_ref_final_scf: pw.x's bfgs vc-relax), and that SCF: at s
 * with the plane waves of the cutoff in s's own cell (pw.x's "final scf calculation at the
 * relaxed structure"); as dft_calc_compute otherwise. */
int dft_calc_wants_final_scf(const dft_calc *c);
int dft_calc_final_scf(dft_calc *c, const ls_structure *s, double *energy, double (*forces)[3], double stress[3][3]);

#endif
