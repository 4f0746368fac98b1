/* Magnetic moments in spheres around the atoms.
 *
 * m_a = integral of (rho_up - rho_down) over a sphere of radius R_a around atom a, summed over
 * the grid points inside (dV = Omega / N each).  R_a is half the distance from atom a to its
 * nearest neighbour (periodic images included), capped at 1.2 Å: spheres never overlap, and the
 * moments are comparable between structures (the established codes report similar sphere
 * integrals; the numbers depend on the radius, which is written next to them).
 */
#include <math.h>
#include <stdlib.h>

#include "common/err.h"
#include "common/units.h"
#include "dft/scf/system.h"

int dft_atom_magnetization(const dft_system *sys, double *moment, double *radius)
{
    const dft_grid *g = sys->grid;
    long nr = g->n_r;
    if (sys->n_spin != 2) LS_ERROR(LS_ERR_INTERNAL, "moments in spheres need a spin-polarised state");
    double recip[3][3];
    LS_TRY(ls_cell_reciprocal(sys->cell, recip));
    double dv = sys->omega / (double)nr;
    for (int a = 0; a < sys->n_atom; a++) {
        /* Nearest-neighbour distance of atom a (over images of every atom). */
        double dmin = INFINITY;
        for (int b = 0; b < sys->n_atom; b++)
            for (int i = -2; i <= 2; i++)
                for (int j = -2; j <= 2; j++)
                    for (int k = -2; k <= 2; k++) {
                        if (b == a && i == 0 && j == 0 && k == 0) continue;
                        double d[3];
                        for (int x = 0; x < 3; x++)
                            d[x] = sys->tau[b][x] - sys->tau[a][x] + i * sys->cell[0][x] + j * sys->cell[1][x] + k * sys->cell[2][x];
                        dmin = fmin(dmin, sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]));
                    }
        double r = fmin(0.5 * dmin, 1.2 * LS_ANGSTROM_BOHR);
        radius[a] = r;
        /* Grid points within r: scan a box of fractional half-widths r |b_i| / (2 pi). */
        double fa[3];
        for (int i = 0; i < 3; i++) fa[i] = (sys->tau[a][0] * recip[i][0] + sys->tau[a][1] * recip[i][1] + sys->tau[a][2] * recip[i][2]) / (2 * M_PI);
        int lo[3], hi[3];
        for (int i = 0; i < 3; i++) {
            double bl = sqrt(recip[i][0] * recip[i][0] + recip[i][1] * recip[i][1] + recip[i][2] * recip[i][2]);
            double w = r * bl / (2 * M_PI);
            lo[i] = (int)floor((fa[i] - w) * g->n[i]);
            hi[i] = (int)ceil((fa[i] + w) * g->n[i]);
        }
        double m = 0;
        for (int i0 = lo[0]; i0 <= hi[0]; i0++)
            for (int i1 = lo[1]; i1 <= hi[1]; i1++)
                for (int i2 = lo[2]; i2 <= hi[2]; i2++) {
                    double f[3] = {(double)i0 / g->n[0] - fa[0], (double)i1 / g->n[1] - fa[1], (double)i2 / g->n[2] - fa[2]};
                    double d[3];
                    for (int x = 0; x < 3; x++) d[x] = f[0] * sys->cell[0][x] + f[1] * sys->cell[1][x] + f[2] * sys->cell[2][x];
                    if (d[0] * d[0] + d[1] * d[1] + d[2] * d[2] > r * r) continue;
                    long j0 = ((i0 % g->n[0]) + g->n[0]) % g->n[0], j1 = ((i1 % g->n[1]) + g->n[1]) % g->n[1],
                         j2 = ((i2 % g->n[2]) + g->n[2]) % g->n[2];
                    long ir = (j0 * g->n[1] + j1) * g->n[2] + j2;
                    m += sys->rho[ir] - sys->rho[nr + ir];
                }
        moment[a] = m * dv;
    }
    return LS_OK;
}
