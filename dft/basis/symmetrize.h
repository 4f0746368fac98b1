/* Symmetrisation of forces and stress (see symmetrize.c), and the pieces the symmetrisation of
 * fields on the density sphere shares (dft/scf/density.c, dft/basis/magsym.c).  Internal to dft/. */
#ifndef LS_DFT_SYMMETRIZE_H
#define LS_DFT_SYMMETRIZE_H

#include <complex.h>
#include <math.h>

#include "dft/scf/system.h"

/* The determinant of an integer 3x3 matrix. */
int dft_sym_det3(const int r[3][3]);
/* The inverse of a unimodular integer matrix (det +-1): the adjugate times det. */
void dft_sym_invert3(const int r[3][3], int inv[3][3]);

/* The index on g's FFT grid of the image of the Miller index mp under an operation whose
 * rotation has the inverse inv (m = R^{-T} mp: m_a = sum_b inv[b][a] mp_b), and the phase
 * exp(2 pi i m.t) of the operation's fractional translation t. */
static inline long dft_sym_image(const dft_grid *g, const int inv[3][3], const int mp[3], const double t[3],
                                 double complex *phase)
{
    int m[3];
    for (int a = 0; a < 3; a++) m[a] = inv[0][a] * mp[0] + inv[1][a] * mp[1] + inv[2][a] * mp[2];
    long i0 = ((m[0] % g->n[0]) + g->n[0]) % g->n[0], i1 = ((m[1] % g->n[1]) + g->n[1]) % g->n[1],
         i2 = ((m[2] % g->n[2]) + g->n[2]) % g->n[2];
    *phase = cexp(I * 2.0 * M_PI * (m[0] * t[0] + m[1] * t[1] + m[2] * t[2]));
    return (i0 * g->n[1] + i1) * g->n[2] + i2;
}

void dft_symmetrize_forces(const dft_system *sys, double (*f)[3]);
void dft_symmetrize_stress(const dft_system *sys, double sigma[3][3]);

#endif
