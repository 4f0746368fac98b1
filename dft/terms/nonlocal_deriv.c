/* Nonlocal contributions to forces and stress, contracted over bands first.
 *
 * With b_np = <beta_p|psi_n> and Y_nq = w_n f_n sum_p D_pq conj(b_np), define Z_q(G) =
 * sum_n Y_nq psi_n(G) (one GEMM per atom's projectors).  Then, for E_NL = sum_n w f sum_pq
 * D_pq conj(b_np) b_nq:
 *   dE/dtau_a,d  = 2 Re sum_{q in a} sum_G  i (k+G)_d conj(P_q(G)) Z_q(G)
 *   dE/deps_xy   = -delta_xy E_NL - 2 Re sum_q sum_G (k+G)_y conj(dP_q/dq_x (G)) Z_q(G)
 * where dP/dq_x differentiates the radial and angular parts at fixed phase.  This costs one
 * GEMM of (projectors x plane waves x bands) per k-point instead of one per derivative.
 *
 * MPI (dft/scf/dist.h): each pool takes its (spin, k-point) tasks; inside a pool the projections
 * b_np are computed by shares of the bands and gathered, and the atoms are shared (Z, the
 * derivative sums and E_NL); the results are summed over all ranks.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/parallel.h"
#include "dft/scf/dist.h"
#include "dft/scf/linalg.h"
#include "dft/terms/nonlocal.h"
#include "dft/terms/nonlocal_deriv.h"

/* d Y_lm(q) / d q_a by central differences (Y depends on the direction only). */
static void ylm_gradient(int l, const double q[3], double dy[3][7])
{
    double qn = sqrt(q[0] * q[0] + q[1] * q[1] + q[2] * q[2]);
    for (int a = 0; a < 3; a++)
        for (int m = 0; m < 7; m++) dy[a][m] = 0;
    if (l == 0 || qn < 1e-10) return;
    double h = 1e-5 * qn;
    for (int a = 0; a < 3; a++) {
        double qp[3] = {q[0], q[1], q[2]}, qm[3] = {q[0], q[1], q[2]}, yp[7], ym[7];
        qp[a] += h;
        qm[a] -= h;
        dft_ylm_real(l, qp, yp);
        dft_ylm_real(l, qm, ym);
        for (int m = 0; m < 2 * l + 1; m++) dy[a][m] = (yp[m] - ym[m]) / (2 * h);
    }
}

int dft_nonlocal_derivatives(const dft_system *sys, double (*dedtau)[3], double dede[3][3], double *e_nl)
{
    /* Spinors: each band is npol vectors of n_pw (up, down), projected and contracted as such;
     * with spin-orbit the weights y couple the two (dft_nonlocal_so_weights). */
    int n_kpt = sys->kpts->n_kpt, nb = sys->n_band, np = sys->n_proj_total, npol = sys->npol, nv = npol * sys->n_band;
    if (dedtau) memset(dedtau, 0, (size_t)sys->n_atom * sizeof *dedtau);
    if (dede) memset(dede, 0, 9 * sizeof(double));
    *e_nl = 0;
    if (np == 0) return LS_OK;
    int n_pw_max = 0, np_atom_max = 0;
    for (int ik = 0; ik < n_kpt; ik++) n_pw_max = sys->basis[ik]->n_pw > n_pw_max ? sys->basis[ik]->n_pw : n_pw_max;
    for (int a = 0; a < sys->n_atom; a++) {
        int c = sys->proj_offset[a + 1] - sys->proj_offset[a];
        np_atom_max = c > np_atom_max ? c : np_atom_max;
    }
    int n_beta_total = 0, beta_off[DFT_MAX_SPECIES + 1];
    beta_off[0] = 0;
    for (int s = 0; s < sys->n_species; s++) {
        n_beta_total += sys->pseudo[s]->n_beta;
        beta_off[s + 1] = n_beta_total;
    }
    const dft_dist *dist = sys->dist;
    int b_lo, b_hi, a_lo, a_hi;
    dft_dist_pool_share(dist, nb, &b_lo, &b_hi);
    dft_dist_pool_share(dist, sys->n_atom, &a_lo, &a_hi);
    int status = LS_OK;
    int *rows_first = malloc((size_t)(dist->pool_size + 1) * sizeof *rows_first);
    double complex *becp = malloc((size_t)nv * np * sizeof *becp);
    double complex *y = malloc((size_t)nv * np * sizeof *y);
    double complex *z = malloc((size_t)np_atom_max * n_pw_max * sizeof *z);
    double *q = malloc((size_t)n_pw_max * sizeof *q);
    double *fq = NULL, *dfq = NULL, *ylm = NULL, *dylm = NULL;
    if (dede) {
        fq = malloc((size_t)(n_beta_total + 1) * n_pw_max * sizeof *fq);
        dfq = malloc((size_t)(n_beta_total + 1) * n_pw_max * sizeof *dfq);
        ylm = malloc((size_t)n_pw_max * 16 * sizeof *ylm);
        dylm = malloc((size_t)n_pw_max * 48 * sizeof *dylm);
    }
    if (!rows_first || !becp || !y || !z || !q || (dede && (!fq || !dfq || !ylm || !dylm)))
        LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory for the nonlocal forces and stress");
    for (int r = 0; r <= dist->pool_size; r++) rows_first[r] = npol * (int)((long)nb * r / dist->pool_size);
    static const double complex mi[4] = {1.0, -I, -1.0, I};
    for (int ik = 0; ik < n_kpt; ik++) {
        int mine = 0;
        for (int is = 0; is < sys->n_spin; is++) mine |= dft_dist_owns(dist, is * n_kpt + ik);
        if (!mine) continue; /* another pool's k-point */
        const dft_basis *b = sys->basis[ik];
        const dft_projectors *pr = &sys->projectors[ik];
        int npw = b->n_pw;
        if (dede) {
            for (int ig = 0; ig < npw; ig++) {
                q[ig] = sqrt(2.0 * b->kin[ig]);
                for (int l = 0; l <= 3; l++) {
                    double dy[3][7];
                    dft_ylm_real(l, b->kg[ig], ylm + (size_t)ig * 16 + l * l);
                    ylm_gradient(l, b->kg[ig], dy);
                    for (int d = 0; d < 3; d++)
                        for (int m = 0; m < 2 * l + 1; m++) dylm[(size_t)ig * 48 + d * 16 + l * l + m] = dy[d][m];
                }
            }
            for (int s = 0; s < sys->n_species; s++)
                for (int i = 0; i < sys->pseudo[s]->n_beta; i++) {
                    LS_TRY_GOTO(status, dft_pseudo_beta_q(sys->pseudo[s], i, npw, q, fq + (size_t)(beta_off[s] + i) * npw), done);
                    LS_TRY_GOTO(status, dft_pseudo_beta_dq(sys->pseudo[s], i, npw, q, dfq + (size_t)(beta_off[s] + i) * npw), done);
                }
        }
        for (int is = 0; is < sys->n_spin; is++) {
            if (!dft_dist_owns(dist, is * n_kpt + ik)) continue;
            const double complex *psi = sys->psi[is * n_kpt + ik];
            /* Projections of this rank's bands, then of all (pool ranks share the bands). */
            if (b_hi > b_lo)
                dft_nonlocal_project(sys, ik, npol * (b_hi - b_lo), psi + (size_t)b_lo * npol * npw,
                                     becp + (size_t)npol * b_lo * np);
            ls_comm_allgatherv(dist->pool_comm, becp, (size_t)np * sizeof *becp, rows_first);
            /* y[v][q] = w f sum_p D_pq conj(b_vp) for every vector v (band v / npol);
             * E_NL = Re sum_vq y_vq b_vq (this rank's atoms) */
            for (int v = 0; v < nv; v++) {
                double w = sys->occ[((size_t)is * n_kpt + ik) * nb + v / npol] * b->weight;
                for (int a = a_lo; a < a_hi; a++) {
                    if (sys->spinorbit) {
                        if (v % 2 == 0) dft_nonlocal_so_weights(sys, a, becp + (size_t)v * np, w, y + (size_t)v * np);
                    } else {
                        for (int qq = sys->proj_offset[a]; qq < sys->proj_offset[a + 1]; qq++) {
                            double complex acc = 0;
                            for (int p = sys->proj_offset[a]; p < sys->proj_offset[a + 1]; p++)
                                acc += sys->dmat[(size_t)p * np + qq] * conj(becp[(size_t)v * np + p]);
                            y[(size_t)v * np + qq] = w * acc;
                        }
                    }
                    for (int qq = sys->proj_offset[a]; qq < sys->proj_offset[a + 1]; qq++)
                        *e_nl += creal(y[(size_t)v * np + qq] * becp[(size_t)v * np + qq]);
                }
            }
            for (int a = a_lo; a < a_hi; a++) {
                int p0 = sys->proj_offset[a], na = sys->proj_offset[a + 1] - p0;
                if (na == 0) continue;
                /* z[q][G] = sum_v y[v][p0 + q] psi[v][G] */
                dft_zgemm(CblasTrans, CblasNoTrans, na, npw, nv, 1.0, y + p0, np, psi, npw, 0.0, z, npw);
                if (dedtau) {
                    for (int qq = 0; qq < na; qq++) {
                        const double complex *pq = pr->proj + (size_t)(p0 + qq) * npw, *zq = z + (size_t)qq * npw;
                        for (int ig = 0; ig < npw; ig++) {
                            double c = creal(I * conj(pq[ig]) * zq[ig]);
                            for (int d = 0; d < 3; d++) dedtau[a][d] += 2.0 * b->kg[ig][d] * c;
                        }
                    }
                }
                if (dede) {
                    int s = sys->species_of[a];
                    const dft_pseudo *ps = sys->pseudo[s];
                    double norm = 1.0 / sqrt(sys->omega);
                    int qq = 0;
                    for (int i = 0; i < ps->n_beta; i++) {
                        int l = ps->beta_l[i];
                        const double *f = fq + (size_t)(beta_off[s] + i) * npw, *df = dfq + (size_t)(beta_off[s] + i) * npw;
                        for (int m = 0; m < 2 * l + 1; m++, qq++) {
                            const double complex *zq = z + (size_t)qq * npw;
                            for (int ig = 0; ig < npw; ig++) {
                                const double *kg = b->kg[ig];
                                double complex phase = norm * mi[l & 3] *
                                                       cexp(-I * (kg[0] * sys->tau[a][0] + kg[1] * sys->tau[a][1] + kg[2] * sys->tau[a][2]));
                                double complex cz = conj(phase) * zq[ig];
                                double yv = ylm[(size_t)ig * 16 + l * l + m];
                                double inv_q = q[ig] > 1e-12 ? 1.0 / q[ig] : 0.0;
                                for (int x = 0; x < 3; x++) {
                                    double dpx = df[ig] * yv * kg[x] * inv_q + f[ig] * dylm[(size_t)ig * 48 + x * 16 + l * l + m];
                                    double t = creal(cz) * dpx; /* Re[conj(dP/dq_x) z] with dP/dq_x = phase dpx */
                                    for (int yy = 0; yy < 3; yy++) dede[x][yy] -= 2.0 * kg[yy] * t;
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    /* The sums over the ranks' tasks, bands and atoms. */
    ls_comm_sum_double(ls_comm_world(), e_nl, 1);
    if (dedtau) ls_comm_sum_double(ls_comm_world(), &dedtau[0][0], 3 * (size_t)sys->n_atom);
    if (dede) ls_comm_sum_double(ls_comm_world(), &dede[0][0], 9);
    if (dede)
        for (int x = 0; x < 3; x++) dede[x][x] -= *e_nl;
done:
    free(rows_first);
    free(becp);
    free(y);
    free(z);
    free(q);
    free(fq);
    free(dfq);
    free(ylm);
    free(dylm);
    return status;
}
