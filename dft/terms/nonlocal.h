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

#endif
