/* The converged density of an SCF run, kept for later non-self-consistent runs (pw.x's
 * calculation = 'nscf' and 'bands', which read the density of the 'scf' run from
 * outdir/prefix.save).  Lodestone's own format: a checkpoint file (common/checkpoint.h) with
 *
 *   kind                     "lodestone density"
 *   density/format           1
 *   density/atoms_spin       [n_atom, n_spin]
 *   density/z                [n_atom] atomic numbers
 *   density/cell_bohr        [3][3] rows a1, a2, a3
 *   density/positions_bohr   [n_atom][3] Cartesian
 *   density/fermi_Ha         the Fermi level (highest occupied level for fixed occupations)
 *   density/n_electrons
 *   start/...                the density as in dft/scf/start.h: Omega (rho - rho_atomic)(G) by
 *                            Miller index for each spin, no wavefunctions
 *
 * so that the density carries over to any cutoff or FFT grid of the later run.  Internal to
 * dft/.
 */
#ifndef LS_DFT_DENSITY_FILE_H
#define LS_DFT_DENSITY_FILE_H

#include "dft/scf/start.h"
#include "dft/scf/system.h"

/* Write sys's density (sys->rho) to path, creating its folder; collective over MPI ranks (rank
 * 0 writes).  LS_ERR_IO when the file cannot be written. */
int dft_density_file_write(const dft_system *sys, const char *path);

/* Read a density written by dft_density_file_write for the calculation p: LS_ERR_INPUT naming
 * the file when it is missing ("run the scf first"), damaged, or of other atoms, positions
 * (1e-5 bohr), cell or spin channels.  *out is a dft_start without wavefunctions (for
 * dft_start_density), *fermi the SCF's Fermi level (Ha). */
int dft_density_file_read(const char *path, const dft_params *p, dft_start **out, double *fermi);

#endif
