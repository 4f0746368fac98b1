/* The sizes a dft_params asks for (FFT grid, k-point mesh, mixing history), checked against the
 * stated limits (DFT_GRID_MAX_DIM, DFT_KPOINTS_MAX_MESH, DFT_MIXER_MAX_HISTORY) and the
 * machine's memory before anything is allocated; see dft_params_check_sizes in dft.h. */
#include <math.h>

#include "common/err.h"
#include "dft/basis/grid.h"
#include "dft/basis/kpoints.h"
#include "dft/dft.h"
#include "dft/scf/mixer.h"

int dft_params_check_sizes(const dft_params *p)
{
    const char *src = p->source[0] ? p->source : "input";
    if (p->structure == NULL) LS_ERROR(LS_ERR_INPUT, "%s: no structure given", src);
    double recip[3][3];
    int status = ls_cell_reciprocal(p->structure->cell, recip);
    if (status == LS_OK && !(p->ecut_wfc > 0 && isfinite(p->ecut_wfc)))
        status = ls_error_set(LS_ERR_INPUT, __FILE__, __LINE__, "the wavefunction cutoff must be a positive number, "
                              "found %g Ry", 2.0 * p->ecut_wfc);
    double ecut_rho = p->ecut_rho > 0 ? p->ecut_rho : 4.0 * p->ecut_wfc;
    int n[3];
    if (status == LS_OK && (p->fft[0] != 0 || p->fft[1] != 0 || p->fft[2] != 0)) status = dft_grid_check_dims(p->fft);
    if (status == LS_OK && (p->fft[0] > 0 && p->fft[1] > 0 && p->fft[2] > 0))
        status = dft_grid_check_cutoff(p->structure->cell, ecut_rho, p->fft);
    if (status == LS_OK) status = dft_grid_good_size(p->structure->cell, ecut_rho, n);
    if (status == LS_OK) status = dft_grid_check_dims(n);
    int mesh[3] = {p->kmesh[0], p->kmesh[1], p->kmesh[2]};
    if (status == LS_OK && p->kspacing > 0) status = dft_kpoints_mesh_from_spacing(recip, p->kspacing, mesh);
    if (status == LS_OK && (mesh[0] < 1 || mesh[1] < 1 || mesh[2] < 1))
        status = ls_error_set(LS_ERR_INPUT, __FILE__, __LINE__, "k-point mesh %d %d %d: every division must be at "
                              "least 1", mesh[0], mesh[1], mesh[2]);
    if (status == LS_OK && !((double)mesh[0] * mesh[1] * mesh[2] <= DFT_KPOINTS_MAX_MESH))
        status = ls_error_set(LS_ERR_INPUT, __FILE__, __LINE__, "k-point mesh %d x %d x %d: more than the limit of %d "
                              "points", mesh[0], mesh[1], mesh[2], DFT_KPOINTS_MAX_MESH);
    if (status == LS_OK && (p->mixing_history < 1 || p->mixing_history > DFT_MIXER_MAX_HISTORY))
        status = ls_error_set(LS_ERR_INPUT, __FILE__, __LINE__, "a mixing history of %d steps: expected 1 to %d",
                              p->mixing_history, DFT_MIXER_MAX_HISTORY);
    if (status == LS_OK && p->n_bands < 0)
        status = ls_error_set(LS_ERR_INPUT, __FILE__, __LINE__, "%d bands: expected a positive number (or 0 for "
                              "the automatic count)", p->n_bands);
    if (status != LS_OK) ls_error_prefix("%s: ", src);
    return status;
}
