/* Application of the Kohn-Sham Hamiltonian H = -1/2 nabla^2 + V_eff(r) + V_NL to blocks of
 * wavefunctions at one k-point and spin.  Internal to dft/.
 *
 * Workspace: one grid-sized FFT buffer per OpenMP thread and projection buffers, allocated
 * once (dft_ham_work_create) and reused for every application.
 */
#ifndef LS_DFT_HAMILTONIAN_H
#define LS_DFT_HAMILTONIAN_H

#include <complex.h>

#include "dft/scf/system.h"

typedef struct dft_ham_work {
    int n_thread;
    double complex **fft;   /* [n_thread][n_r] */
    int max_vec;            /* capacity of the projection buffers in vectors */
    double complex *becp;   /* [max_vec][n_proj] */
    double complex *dbecp;  /* [max_vec][n_proj] */
    int *rows_first;        /* [pool size + 1] each MPI rank's share of a block (dft/scf/dist.h) */
} dft_ham_work;

int dft_ham_work_create(const dft_system *sys, int max_vec, dft_ham_work **out);
void dft_ham_work_destroy(dft_ham_work *w);

/* hpsi = H psi for n_vec vectors psi[n_vec][npol n_pw] at k-point ik, spin is (spinors: npol = 2).  Collective over the
 * ranks of this rank's pool when called outside an OpenMP parallel region (every rank of the
 * pool calls it with the same psi; each computes a share of the rows, then all are gathered). */
void dft_ham_apply(const dft_system *sys, int ik, int is, int n_vec, const double complex *psi,
                   double complex *hpsi, dft_ham_work *w);

/* Diagonal estimate of H (kinetic + average local potential) for the preconditioner,
 * hdiag[npol n_pw]. */
void dft_ham_diagonal(const dft_system *sys, int ik, int is, double *hdiag);

#endif
