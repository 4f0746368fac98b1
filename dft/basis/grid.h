/* The real-space grid and the density G-sphere, with FFTW plans.  Internal to dft/.
 *
 * Fourier convention: f(r) = sum_G f(G) exp(i G.r), f(G) = (1/N) sum_r f(r) exp(-i G.r),
 * with N = n[0] n[1] n[2] grid points.  Grid index of point (i0, i1, i2) is
 * (i0 * n[1] + i1) * n[2] + i2 (row-major, i2 fastest), at fractional position i_k / n[k].
 * A G-vector with Miller indices (m0, m1, m2) is G = m0 b0 + m1 b1 + m2 b2 (b rows of recip)
 * and sits at FFT index ((m0 mod n0) * n1 + (m1 mod n1)) * n2 + (m2 mod n2).
 *
 * The density sphere holds every G with |G|^2 / 2 <= ecut_rho, sorted by |G| (so G = 0 comes
 * first), grouped into shells of equal |G| for the radial form factors.
 */
#ifndef LS_DFT_GRID_H
#define LS_DFT_GRID_H

#include <complex.h>
#include <fftw3.h>

typedef struct dft_grid {
    int n[3];
    long n_r;              /* n[0] n[1] n[2] */
    double cell[3][3];     /* rows, bohr */
    double recip[3][3];    /* rows, with 2 pi */
    double omega;          /* cell volume, bohr^3 */
    double ecut_rho;       /* Ha */
    /* The cell in which the spheres are chosen: the cell itself, or a reference cell whose
     * G-vectors (by Miller index) are kept as the cell changes (dft_grid_create_ref). */
    double sel_cell[3][3];
    double sel_recip[3][3];

    long n_g;              /* G-vectors in the density sphere */
    int (*miller)[3];      /* [n_g] */
    double (*g)[3];        /* [n_g] Cartesian, 1/bohr */
    double *g2;            /* [n_g] |G|^2 */
    long *fft_index;       /* [n_g] position in the FFT array */
    long *fft_index_minus; /* [n_g] position of -G */
    long n_shell;          /* distinct |G| */
    double *shell_g;       /* [n_shell] |G| */
    long *shell_of;        /* [n_g] shell index of each G */

    fftw_plan plan_r2g;    /* in-place, FFTW_FORWARD (exp(-iGr)), unnormalised */
    fftw_plan plan_g2r;    /* in-place, FFTW_BACKWARD (exp(+iGr)) */
} dft_grid;

/* The largest FFT grid dimension accepted (a limit on what a user's cutoff or fft_grid may ask
 * for, checked before anything is allocated): 4096 covers a 100 angstrom cell at a density
 * cutoff of 1600 Ry. */
#define DFT_GRID_MAX_DIM 4096

/* Grid dimensions large enough for the density cutoff: each n_k >= 2 m_k + 1 with m_k the
 * largest Miller index inside the sphere, rounded up to a product of 2, 3, 5 and 7.
 * LS_ERR_INPUT when a dimension would pass DFT_GRID_MAX_DIM (the message names the cutoff in
 * Ry and the lattice vector) or the cutoff is not a positive number. */
int dft_grid_good_size(const double cell[3][3], double ecut_rho, int n[3]);
/* Given grid dimensions: LS_ERR_INPUT unless each is 1..DFT_GRID_MAX_DIM and one complex array
 * on the grid fits in the machine's memory. */
int dft_grid_check_dims(const int n[3]);
/* Given grid dimensions: LS_ERR_INPUT naming the smallest one when a dimension is below 2 m + 1
 * for the density cutoff (or the cutoff needs more than DFT_GRID_MAX_DIM). */
int dft_grid_check_cutoff(const double cell[3][3], double ecut_rho, const int n[3]);
/* Smallest n' >= n whose only prime factors are 2, 3, 5, 7. */
int dft_grid_fft_size(int n);

/* Create for a cell (rows, bohr), density cutoff (Ha) and dimensions (n == NULL or zeros:
 * chosen by dft_grid_good_size).  LS_ERR_INPUT if given dimensions are too small for the
 * cutoff (the message names the minimum). */
int dft_grid_create(const double cell[3][3], double ecut_rho, const int n[3], dft_grid **out);
/* The same with the density sphere (and, through sel_recip, the plane-wave bases of
 * dft/basis/basis.c) chosen in ref_cell: the G-vectors with |G_ref|^2 / 2 <= ecut_rho, by Miller
 * index, their lengths those of `cell` (pw.x's constant number of plane waves in variable-cell
 * relaxations).  ref_cell NULL: dft_grid_create. */
int dft_grid_create_ref(const double cell[3][3], const double (*ref_cell)[3], double ecut_rho, const int n[3],
                        dft_grid **out);
void dft_grid_destroy(dft_grid *grid);

/* In-place transforms of one grid-sized array (thread-safe: uses fftw_execute_dft). */
void dft_grid_r2g(const dft_grid *grid, double complex *data); /* includes the 1/N */
void dft_grid_g2r(const dft_grid *grid, double complex *data);

/* Real field on the grid -> its coefficients on the density sphere, and back. */
void dft_grid_field_to_sphere(const dft_grid *grid, const double *f_r, double complex *f_g,
                              double complex *work);
void dft_grid_sphere_to_field(const dft_grid *grid, const double complex *f_g, double *f_r,
                              double complex *work);

#endif
