/* Nonlocal pseudopotential application (see nonlocal.c).  Internal to dft/. */
#ifndef LS_DFT_NONLOCAL_H
#define LS_DFT_NONLOCAL_H

#include <complex.h>

struct dft_system;

/* becp[n][p] = <beta_p | psi_n> for n_vec vectors psi[n_vec][n_pw] at k-point ik. */
void dft_nonlocal_project(const struct dft_system *sys, int ik, int n_vec, const double complex *psi,
                          double complex *becp);
/* hpsi[n] += sum_pq |beta_p> D_pq becp[n][q]; work holds n_vec * n_proj numbers. */
void dft_nonlocal_apply(const struct dft_system *sys, int ik, int n_vec, const double complex *becp,
                        double complex *work, double complex *hpsi);
/* <psi| V_NL |psi> from one band's projections. */
double dft_nonlocal_energy_band(const struct dft_system *sys, const double complex *becp_row);

/* Spin-orbit coupling (nonlocal_so.c).  Spinor bands psi[n][2][n_pw] are projected as 2 n vectors
 * (dft_nonlocal_project with 2 n_band), becp[2n + s][p].
 * Matrices <Y_k| L_a |Y_k'> (a = x, y, z) of the real harmonics of dft_ylm_real, l <= 3. */
int dft_so_l_matrices(int l, double complex lmat[3][7][7]);
/* sys->dso and sys->dso_offset from the j-resolved projectors (pw.x's dvan_so). */
int dft_nonlocal_so_build(struct dft_system *sys);
/* hpsi[n][2][n_pw] += sum |beta_p s> D^{s s'}_{pq} becp[2n + s'][q]; work holds 2 n_band n_proj numbers. */
void dft_nonlocal_apply_so(const struct dft_system *sys, int ik, int n_band, const double complex *becp,
                           double complex *work, double complex *hpsi);
/* <psi| V_NL |psi> of one spinor band from its projections becp2[2][n_proj]. */
double dft_nonlocal_energy_band_so(const struct dft_system *sys, const double complex *becp2);
/* For the forces and stress: y2[s'][q] = w sum_{s p} conj(becp2[s][p]) D^{s s'}_{pq} for the
 * projectors q of atom a. */
void dft_nonlocal_so_weights(const struct dft_system *sys, int a, const double complex *becp2, double complex w,
                             double complex *y2);

#endif
