/* Shared by dft/bands/bands.c and dft/bands/bands_svg.c (internal to dft/bands/). */
#ifndef LS_DFT_BANDS_IMPL_H
#define LS_DFT_BANDS_IMPL_H

#include "dft/dft.h"

/* Distance along the path (1/Å, cumulative, dist[0] = 0) and label of each k-point of r
 * (labels from p->klist when it has r's k-points, else ""); label[] points into p. */
int dft_bands_path(const dft_params *p, const dft_result *r, double *dist, const char **label);

/* The band structure as an SVG image: E - E_F (eV) against the distance, every band a line,
 * a vertical line and its label at each labelled k-point ("G" drawn as Γ), the Fermi level
 * dashed. */
int dft_bands_svg(const char *path, const dft_params *p, const dft_result *r, const double *dist, const char **label);

#endif
