/* Private to dft/pseudo*.c: helpers shared by the common code (pseudo.c), the UPF readers
 * (pseudo_upf.c) and the GTH reader and analytic form factors (pseudo_gth.c). */
#ifndef LS_DFT_PSEUDO_IMPL_H
#define LS_DFT_PSEUDO_IMPL_H

#include "dft/pseudo/pseudo.h"

/* Quantum ESPRESSO's radius beyond which the local/core/atomic integrals stop (read_pseudo.f90). */
#define DFT_PSEUDO_QE_RCUT 10.0
/* q below this (1/bohr) is treated as q = 0 (the G = 0 term). */
#define DFT_PSEUDO_Q0 1e-8

/* A zeroed dft_pseudo with kind and path set (LS_ERR_NOMEM). */
int dft_pseudo_new(enum dft_pseudo_kind kind, const char *path, dft_pseudo **out);
/* After a UPF reader filled the data: set n_mesh_int (QE's msh) and the atomic number. */
int dft_pseudo_set_msh(dft_pseudo *p);

/* Shared by the UPF v1 and v2 readers (pseudo_upf.c). */
int dft_upf_alloc_mesh(dft_pseudo *p, int n);            /* r, rab, vloc */
int dft_upf_alloc_array(double **a, int n);
int dft_upf_check_header(const dft_pseudo *p, const char *where);
int dft_upf_check_beta_l(const dft_pseudo *p, int ib, int l, long line);
int dft_upf_parse_bool(const char *s, int *v);           /* T/F/.true./.false.: 0, else -1 */
/* Divide out r (beta) and 4 pi r^2 (rho_atom), Ry -> Ha, kkbeta from kbeta[], QE's msh. */
int dft_upf_finish(dft_pseudo *p, const int *kbeta);

int dft_pseudo_read_upf_v1(const char *path, const char *text, dft_pseudo *p);
int dft_pseudo_read_upf_v2(const char *path, const char *text, dft_pseudo *p);

/* After a GTH reader filled gth_n_l, gth_n_proj and gth_h (and n_beta): the projectors' l and
 * D_ij = h^l_ij, block diagonal in l (pseudo_gth.c; shared with pseudo_gth_abinit.c). */
void dft_gth_set_projectors(dft_pseudo *p);
/* Analytic GTH form factors (pseudo_gth.c); same conventions as the public functions. */
void dft_gth_vloc_q(const dft_pseudo *p, int n_q, const double *q, double *out);
void dft_gth_vloc_dq(const dft_pseudo *p, int n_q, const double *q, double *out);
void dft_gth_beta_q(const dft_pseudo *p, int i_beta, int n_q, const double *q, double *out);
void dft_gth_beta_dq(const dft_pseudo *p, int i_beta, int n_q, const double *q, double *out);
/* Real-space GTH functions (for tests and plots): V_loc(r) (Ha) and projector i at r. */
double dft_gth_vloc_r(const dft_pseudo *p, double r);
double dft_gth_beta_r(const dft_pseudo *p, int i_beta, double r);

#endif
