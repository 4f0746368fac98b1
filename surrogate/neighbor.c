/* Cell-list neighbour search; see neighbor.h.
 *
 * Geometry: with lattice rows a_i and reciprocal rows b_i (b_i . a_j = 2 pi delta_ij), the
 * distance between neighbouring lattice planes (i) is h_i = 2 pi / |b_i|.  Two points whose
 * fractional coordinates differ by more than s_i = r_cut / h_i along any i are more than
 * r_cut apart, so bins at least s_i wide (in fractional units) need only their 26
 * neighbours searched, whatever the cell's shape.
 */
#include "surrogate/neighbor.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"

void nnp_neighbor_destroy(nnp_neighbor_list *list)
{
    if (list == NULL) return;
    free(list->offset);
    free(list->j);
    free(list->d);
    free(list->r);
    free(list);
}

static int reserve(nnp_neighbor_list *l, long need)
{
    if (need <= l->capacity) return LS_OK;
    long cap = l->capacity > 0 ? l->capacity : 1024;
    while (cap < need) cap *= 2;
    int *j = realloc(l->j, (size_t)cap * sizeof *j);
    if (j) l->j = j;
    double(*d)[3] = realloc(l->d, (size_t)cap * sizeof *d);
    if (d) l->d = d;
    double *r = realloc(l->r, (size_t)cap * sizeof *r);
    if (r) l->r = r;
    if (!j || !d || !r) LS_ERROR(LS_ERR_NOMEM, "out of memory for %ld neighbour pairs", cap);
    l->capacity = cap;
    return LS_OK;
}

/* Cell used for the search: the structure's own, or for a molecule without a usable cell
 * a box around the atoms (no direction is periodic then, so any box will do). */
static int search_cell(const ls_structure *s, double r_cut, double cell[3][3])
{
    memcpy(cell, s->cell, sizeof s->cell);
    if (fabs(ls_cell_volume(cell)) > 1e-6) return LS_OK;
    if (s->pbc[0] || s->pbc[1] || s->pbc[2])
        LS_ERROR(LS_ERR_INPUT, "the cell is singular (volume %.3g bohr^3) but the structure is periodic",
                 ls_cell_volume(cell));
    double lo[3] = {INFINITY, INFINITY, INFINITY}, hi[3] = {-INFINITY, -INFINITY, -INFINITY};
    for (int ia = 0; ia < s->n_atom; ia++)
        for (int k = 0; k < 3; k++) {
            lo[k] = fmin(lo[k], s->pos[ia][k]);
            hi[k] = fmax(hi[k], s->pos[ia][k]);
        }
    memset(cell, 0, 9 * sizeof(double));
    for (int k = 0; k < 3; k++) cell[k][k] = (s->n_atom > 0 ? hi[k] - lo[k] : 0.0) + 2.0 * r_cut;
    return LS_OK;
}

int nnp_neighbor_build(const ls_structure *s, double r_cut, nnp_neighbor_list **list_io)
{
    int status = LS_OK;
    nnp_neighbor_list *l = *list_io;
    double(*img_pos)[3] = NULL, (*img_frac)[3] = NULL, (*frac)[3] = NULL;
    int *img_atom = NULL, *img_bin = NULL, *bin_start = NULL, *bin_list = NULL;
    const int n = s->n_atom;

    if (!(r_cut > 0.0)) LS_ERROR(LS_ERR_INPUT, "neighbour cutoff must be positive (got %g bohr)", r_cut);
    if (l == NULL) {
        l = calloc(1, sizeof *l);
        if (l == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    }
    if (l->offset == NULL || l->n_atom < n) {
        free(l->offset);
        l->offset = malloc((size_t)(n + 1) * sizeof *l->offset);
        if (l->offset == NULL) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    }
    l->n_atom = n;
    l->n_pair = 0;
    l->r_cut = r_cut;
    l->offset[0] = 0;
    /* The pair arrays exist also when no atom has a neighbour (callers index them at offset 0). */
    LS_TRY_GOTO(status, reserve(l, 1), done);
    if (n == 0) goto done;

    double cell[3][3], recip[3][3];
    LS_TRY_GOTO(status, search_cell(s, r_cut, cell), done);
    LS_TRY_GOTO(status, ls_cell_reciprocal(cell, recip), done);
    double skin[3], lo[3], hi[3];
    int n_img_layer[3];
    frac = malloc((size_t)n * sizeof *frac);
    if (frac == NULL) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    for (int k = 0; k < 3; k++) {
        double blen = sqrt(recip[k][0] * recip[k][0] + recip[k][1] * recip[k][1] + recip[k][2] * recip[k][2]);
        skin[k] = r_cut * blen / (2.0 * M_PI);
        lo[k] = INFINITY;
        hi[k] = -INFINITY;
    }
    for (int ia = 0; ia < n; ia++)
        for (int k = 0; k < 3; k++) {
            double f = (s->pos[ia][0] * recip[k][0] + s->pos[ia][1] * recip[k][1] + s->pos[ia][2] * recip[k][2]) /
                       (2.0 * M_PI);
            if (!isfinite(f)) LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "atom %d has a non-finite position", ia + 1);
            if (s->pbc[k]) {
                f -= floor(f);
                if (f >= 1.0) f = 0.0;
            }
            frac[ia][k] = f;
            lo[k] = fmin(lo[k], f);
            hi[k] = fmax(hi[k], f);
        }
    for (int k = 0; k < 3; k++) {
        if (s->pbc[k]) {
            lo[k] = -skin[k];
            hi[k] = 1.0 + skin[k];
            n_img_layer[k] = (int)ceil(skin[k]) + 1;
        } else {
            n_img_layer[k] = 0;
        }
    }
    /* Images: every translate of an atom whose fractional coordinates lie in [lo, hi]. */
    long n_img = 0, cap_img = 0;
    for (int pass = 0; pass < 2; pass++) {
        if (pass == 1) {
            cap_img = n_img > 0 ? n_img : 1;
            img_pos = malloc((size_t)cap_img * sizeof *img_pos);
            img_frac = malloc((size_t)cap_img * sizeof *img_frac);
            img_atom = malloc((size_t)cap_img * sizeof *img_atom);
            if (!img_pos || !img_frac || !img_atom) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory for images");
            n_img = 0;
        }
        for (int ia = 0; ia < n; ia++)
            for (int t0 = -n_img_layer[0]; t0 <= n_img_layer[0]; t0++)
                for (int t1 = -n_img_layer[1]; t1 <= n_img_layer[1]; t1++)
                    for (int t2 = -n_img_layer[2]; t2 <= n_img_layer[2]; t2++) {
                        double f[3] = {frac[ia][0] + t0, frac[ia][1] + t1, frac[ia][2] + t2};
                        int inside = 1;
                        for (int k = 0; k < 3; k++)
                            if (f[k] < lo[k] || f[k] > hi[k]) inside = 0;
                        if (!inside) continue;
                        if (pass == 1) {
                            for (int k = 0; k < 3; k++) {
                                img_frac[n_img][k] = f[k];
                                img_pos[n_img][k] = f[0] * cell[0][k] + f[1] * cell[1][k] + f[2] * cell[2][k];
                            }
                            img_atom[n_img] = ia;
                        }
                        n_img++;
                    }
    }
    /* Bins at least skin wide; the home image of atom ia is found by its bin too. */
    int nb[3];
    double bw[3];
    long n_bin = 1;
    for (int k = 0; k < 3; k++) {
        double ext = hi[k] - lo[k];
        nb[k] = ext > 0 ? (int)floor(ext / skin[k]) : 1;
        if (nb[k] < 1) nb[k] = 1;
        if (nb[k] > 1024) nb[k] = 1024; /* bins only get wider: still correct */
        bw[k] = ext > 0 ? ext / nb[k] : 1.0;
        n_bin *= nb[k];
    }
    img_bin = malloc((size_t)n_img * sizeof *img_bin);
    bin_start = calloc((size_t)n_bin + 1, sizeof *bin_start);
    bin_list = malloc((size_t)n_img * sizeof *bin_list);
    if (!img_bin || !bin_start || !bin_list) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory for cell lists");
    for (long m = 0; m < n_img; m++) {
        int b[3];
        for (int k = 0; k < 3; k++) {
            b[k] = (int)floor((img_frac[m][k] - lo[k]) / bw[k]);
            if (b[k] < 0) b[k] = 0;
            if (b[k] >= nb[k]) b[k] = nb[k] - 1;
        }
        img_bin[m] = (b[0] * nb[1] + b[1]) * nb[2] + b[2];
        bin_start[img_bin[m] + 1]++;
    }
    for (long b = 0; b < n_bin; b++) bin_start[b + 1] += bin_start[b];
    {
        int *fill = malloc((size_t)n_bin * sizeof *fill);
        if (fill == NULL) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
        memcpy(fill, bin_start, (size_t)n_bin * sizeof *fill);
        for (long m = 0; m < n_img; m++) bin_list[fill[img_bin[m]]++] = (int)m;
        free(fill);
    }
    const double rc2 = r_cut * r_cut;
    for (int ia = 0; ia < n; ia++) {
        double ri[3], b[3];
        int bi[3];
        for (int k = 0; k < 3; k++) {
            ri[k] = frac[ia][0] * cell[0][k] + frac[ia][1] * cell[1][k] + frac[ia][2] * cell[2][k];
            b[k] = floor((frac[ia][k] - lo[k]) / bw[k]);
            bi[k] = (int)b[k];
            if (bi[k] < 0) bi[k] = 0;
            if (bi[k] >= nb[k]) bi[k] = nb[k] - 1;
        }
        for (int x = bi[0] - 1; x <= bi[0] + 1; x++) {
            if (x < 0 || x >= nb[0]) continue;
            for (int y = bi[1] - 1; y <= bi[1] + 1; y++) {
                if (y < 0 || y >= nb[1]) continue;
                for (int z = bi[2] - 1; z <= bi[2] + 1; z++) {
                    if (z < 0 || z >= nb[2]) continue;
                    int bin = (x * nb[1] + y) * nb[2] + z;
                    for (int q = bin_start[bin]; q < bin_start[bin + 1]; q++) {
                        int m = bin_list[q];
                        double d[3] = {img_pos[m][0] - ri[0], img_pos[m][1] - ri[1], img_pos[m][2] - ri[2]};
                        double r2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
                        if (r2 >= rc2) continue;
                        if (r2 < 1e-16) {
                            if (img_atom[m] == ia) continue; /* the atom itself */
                            LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "atoms %d and %d sit on top of each other",
                                          ia + 1, img_atom[m] + 1);
                        }
                        LS_TRY_GOTO(status, reserve(l, l->n_pair + 1), done);
                        l->j[l->n_pair] = img_atom[m];
                        memcpy(l->d[l->n_pair], d, sizeof d);
                        l->r[l->n_pair] = sqrt(r2);
                        l->n_pair++;
                    }
                }
            }
        }
        l->offset[ia + 1] = l->n_pair;
    }
done:
    free(frac);
    free(img_pos);
    free(img_frac);
    free(img_atom);
    free(img_bin);
    free(bin_start);
    free(bin_list);
    if (status != LS_OK && *list_io == NULL) {
        nnp_neighbor_destroy(l);
        l = NULL;
    }
    if (status == LS_OK) *list_io = l;
    return status;
}
