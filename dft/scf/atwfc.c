/* Pseudo-atomic orbitals in the plane-wave basis (see atwfc.h). */
#include "dft/scf/atwfc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"

static int cmp_double_idx(const void *a, const void *b)
{
    const double *x = a, *y = b;
    return (*x > *y) - (*x < *y);
}

/* Distinct values of v[n] (equal within 1e-12 relative): *uv[*n_u] and map[i] = index in uv. */
static int unique_values(const double *v, int n, double **uv, int **map, int *n_u)
{
    double (*pairs)[2] = malloc((size_t)n * sizeof *pairs);
    *uv = malloc((size_t)n * sizeof **uv);
    *map = malloc((size_t)n * sizeof **map);
    if (!pairs || !*uv || !*map) {
        free(pairs);
        LS_ERROR(LS_ERR_NOMEM, "out of memory");
    }
    for (int i = 0; i < n; i++) {
        pairs[i][0] = v[i];
        pairs[i][1] = i;
    }
    qsort(pairs, (size_t)n, sizeof *pairs, cmp_double_idx);
    int u = 0;
    for (int i = 0; i < n; i++) {
        if (u == 0 || pairs[i][0] > (*uv)[u - 1] * (1 + 1e-12) + 1e-14) (*uv)[u++] = pairs[i][0];
        (*map)[(int)pairs[i][1]] = u - 1;
    }
    *n_u = u;
    free(pairs);
    return LS_OK;
}

int dft_atomic_orbitals(const dft_system *sys, int ik, int max_n, double complex *out, int *n_out,
                        struct dft_atwfc_label *label)
{
    const dft_basis *b = sys->basis[ik];
    int npw = b->n_pw;
    static const double complex mi[4] = {1.0, -I, -1.0, I};
    double *q = malloc((size_t)npw * sizeof *q);
    double *ylm = malloc((size_t)npw * 16 * sizeof *ylm); /* l = 0..3 for every G */
    double *fq = NULL;
    double complex *ph = malloc((size_t)npw * sizeof *ph);
    double *uq = NULL, *ufq = NULL;
    int *umap = NULL;
    int status = LS_OK, n = 0, n_chi_total = 0;
    for (int s = 0; s < sys->n_species; s++) n_chi_total += sys->pseudo[s]->n_chi;
    fq = malloc((size_t)(n_chi_total > 0 ? n_chi_total : 1) * npw * sizeof *fq);
    if (!q || !fq || !ylm || !ph) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    for (int ig = 0; ig < npw; ig++) {
        q[ig] = sqrt(2.0 * b->kin[ig]);
        for (int l = 0; l <= 3; l++) dft_ylm_real(l, b->kg[ig], ylm + (size_t)ig * 16 + l * l);
    }
    int off[DFT_MAX_SPECIES + 1];
    off[0] = 0;
    /* Radial transforms on the distinct |k+G| only (shells repeat many times). */
    int n_u = 0;
    LS_TRY_GOTO(status, unique_values(q, npw, &uq, &umap, &n_u), done);
    ufq = malloc((size_t)n_u * sizeof *ufq);
    if (!ufq) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    for (int s = 0; s < sys->n_species; s++) {
        const dft_pseudo *ps = sys->pseudo[s];
        for (int i = 0; i < ps->n_chi; i++) {
            LS_TRY_GOTO(status, dft_pseudo_chi_q(ps, i, n_u, uq, ufq), done);
            double *f = fq + (size_t)(off[s] + i) * npw;
            for (int ig = 0; ig < npw; ig++) f[ig] = ufq[umap[ig]];
        }
        off[s + 1] = off[s] + ps->n_chi;
    }
    double norm = 1.0 / sqrt(sys->omega);
    for (int a = 0; a < sys->n_atom; a++) {
        int s = sys->species_of[a];
        const dft_pseudo *ps = sys->pseudo[s];
        for (int ig = 0; ig < npw; ig++)
            ph[ig] = norm * cexp(-I * (b->kg[ig][0] * sys->tau[a][0] + b->kg[ig][1] * sys->tau[a][1] + b->kg[ig][2] * sys->tau[a][2]));
        for (int i = 0; i < ps->n_chi; i++) {
            int l = ps->chi_l[i];
            if (n + 2 * l + 1 > max_n) goto done;
            const double *f = fq + (size_t)(off[s] + i) * npw;
            for (int m = 0; m < 2 * l + 1; m++, n++) {
                if (label) label[n] = (struct dft_atwfc_label){a, i, l, m};
                double complex *o = out + (size_t)n * npw;
                for (int ig = 0; ig < npw; ig++) o[ig] = mi[l & 3] * ylm[(size_t)ig * 16 + l * l + m] * f[ig] * ph[ig];
            }
        }
    }
done:
    *n_out = n;
    free(q);
    free(fq);
    free(ylm);
    free(ph);
    free(uq);
    free(ufq);
    free(umap);
    return status;
}

