/* Kleinman-Bylander nonlocal pseudopotential in the plane-wave basis.
 *
 * V_NL = sum_a sum_ij |beta_ai> D_ij <beta_aj|, with <k+G|beta_a,ilm> =
 * (1/sqrt(Omega)) (-i)^l Y_lm(k+G) beta_i(|k+G|) exp(-i (k+G).tau_a), beta_i(q) the form factor
 * of dft/pseudo/pseudo.h (L. Kleinman, D. M. Bylander, Phys. Rev. Lett. 48, 1425 (1982),
 * doi:10.1103/PhysRevLett.48.1425).  Application to a block of bands is two complex GEMMs.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "dft/scf/linalg.h"

#include "common/err.h"
#include "dft/terms/nonlocal.h"
#include "dft/scf/system.h"

static double complex minus_i_pow(int l)
{
    static const double complex t[4] = {1.0, -I, -1.0, I};
    return t[l & 3];
}

int dft_projectors_build(dft_system *sys)
{
    int n_kpt = sys->kpts->n_kpt;
    sys->projectors = calloc((size_t)n_kpt, sizeof *sys->projectors);
    if (!sys->projectors) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    int status = LS_OK;
    for (int ik = 0; ik < n_kpt && status == LS_OK; ik++) {
        const dft_basis *b = sys->basis[ik];
        dft_projectors *pr = &sys->projectors[ik];
        pr->n_proj = sys->n_proj_total;
        pr->proj = malloc(((size_t)pr->n_proj * b->n_pw + 1) * sizeof *pr->proj);
        double *q = malloc((size_t)b->n_pw * sizeof *q);
        double *fq = malloc((size_t)b->n_pw * sizeof *fq);
        double *ylm = malloc((size_t)b->n_pw * 7 * sizeof *ylm);
        if (!pr->proj || !q || !fq || !ylm) {
            free(q);
            free(fq);
            free(ylm);
            LS_ERROR(LS_ERR_NOMEM, "out of memory for the projectors");
        }
        for (int ig = 0; ig < b->n_pw; ig++) q[ig] = sqrt(2.0 * b->kin[ig]);
        double norm = 1.0 / sqrt(sys->omega);
        /* Form factors per species and beta, then spread over atoms of that species. */
        for (int s = 0; s < sys->n_species && status == LS_OK; s++) {
            const dft_pseudo *ps = sys->pseudo[s];
            for (int i = 0; i < ps->n_beta && status == LS_OK; i++) {
                status = dft_pseudo_beta_q(ps, i, b->n_pw, q, fq);
                if (status != LS_OK) break;
                int l = ps->beta_l[i];
                for (int ig = 0; ig < b->n_pw; ig++) dft_ylm_real(l, b->kg[ig], ylm + (size_t)ig * 7);
                /* Offset of projector (i, m) inside an atom of species s. */
                int off_i = 0;
                for (int j = 0; j < i; j++) off_i += 2 * ps->beta_l[j] + 1;
                for (int a = 0; a < sys->n_atom; a++) {
                    if (sys->species_of[a] != s) continue;
                    for (int m = 0; m < 2 * l + 1; m++) {
                        double complex *row = pr->proj + (size_t)(sys->proj_offset[a] + off_i + m) * b->n_pw;
                        for (int ig = 0; ig < b->n_pw; ig++) {
                            double ph = b->kg[ig][0] * sys->tau[a][0] + b->kg[ig][1] * sys->tau[a][1] +
                                        b->kg[ig][2] * sys->tau[a][2];
                            row[ig] = norm * minus_i_pow(l) * ylm[(size_t)ig * 7 + m] * fq[ig] * cexp(-I * ph);
                        }
                    }
                }
            }
        }
        free(q);
        free(fq);
        free(ylm);
    }
    return status;
}

void dft_nonlocal_project(const dft_system *sys, int ik, int n_vec, const double complex *psi,
                          double complex *becp)
{
    const dft_basis *b = sys->basis[ik];
    const dft_projectors *pr = &sys->projectors[ik];
    if (pr->n_proj == 0) return;
    const double complex one = 1.0, zero = 0.0;
    /* becp[n][p] = sum_G psi[n][G] conj(P[p][G]) */
    dft_zgemm(CblasNoTrans, CblasConjTrans, n_vec, pr->n_proj, b->n_pw, one, psi, b->n_pw, pr->proj, b->n_pw, zero, becp, pr->n_proj);
}

void dft_nonlocal_apply(const dft_system *sys, int ik, int n_vec, const double complex *becp,
                        double complex *work, double complex *hpsi)
{
    const dft_basis *b = sys->basis[ik];
    const dft_projectors *pr = &sys->projectors[ik];
    int np = pr->n_proj;
    if (np == 0) return;
    /* work[n][p] = sum_q D[p][q] becp[n][q], D real block-diagonal per atom. */
    for (int n = 0; n < n_vec; n++)
        for (int a = 0; a < sys->n_atom; a++) {
            int p0 = sys->proj_offset[a], p1 = sys->proj_offset[a + 1];
            for (int p = p0; p < p1; p++) {
                double complex acc = 0;
                for (int q = p0; q < p1; q++) acc += sys->dmat[(size_t)p * np + q] * becp[(size_t)n * np + q];
                work[(size_t)n * np + p] = acc;
            }
        }
    const double complex one = 1.0;
    dft_zgemm(CblasNoTrans, CblasNoTrans, n_vec, b->n_pw, np, one, work, np, pr->proj, b->n_pw, one, hpsi, b->n_pw);
}

double dft_nonlocal_energy_band(const dft_system *sys, const double complex *becp_row)
{
    int np = sys->n_proj_total;
    double e = 0;
    for (int a = 0; a < sys->n_atom; a++) {
        int p0 = sys->proj_offset[a], p1 = sys->proj_offset[a + 1];
        for (int p = p0; p < p1; p++)
            for (int q = p0; q < p1; q++)
                e += sys->dmat[(size_t)p * np + q] * creal(conj(becp_row[p]) * becp_row[q]);
    }
    return e;
}
