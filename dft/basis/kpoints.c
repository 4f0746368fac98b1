/* Monkhorst-Pack meshes and their symmetry reduction; see kpoints.h. */
#include "dft/basis/kpoints.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/units.h"

int dft_kpoints_mesh_from_spacing(const double recip[3][3], double spacing, int mesh[3])
{
    if (!(spacing > 0) || !isfinite(spacing))
        LS_ERROR(LS_ERR_INPUT, "the k-point spacing must be a positive number, found %g 1/bohr", spacing);
    double n[3], total = 1;
    for (int i = 0; i < 3; i++) {
        double b = sqrt(recip[i][0] * recip[i][0] + recip[i][1] * recip[i][1] + recip[i][2] * recip[i][2]);
        n[i] = fmax(1.0, ceil(b / spacing - 1e-9));
        total *= n[i];
    }
    if (!(total <= DFT_KPOINTS_MAX_MESH))
        LS_ERROR(LS_ERR_INPUT,
                 "the k-point spacing %.4g 1/angstrom (with the 2 pi) gives a %.3g x %.3g x %.3g mesh, more than the limit "
                 "of %d points: raise the spacing, or check its unit (1/angstrom)",
                 spacing * LS_ANGSTROM_BOHR, n[0], n[1], n[2], DFT_KPOINTS_MAX_MESH);
    for (int i = 0; i < 3; i++) mesh[i] = (int)n[i];
    return LS_OK;
}

/* Integer coordinates: point (i0,i1,i2) has k_j = (2 i_j + s_j) / (2 N_j).  Returns the mesh
 * index of a k given as numerators over 2N (any integers), or -1 if k is not on the mesh. */
static long mesh_index(const int mesh[3], const int shift[3], const long num[3])
{
    long idx = 0;
    for (int j = 0; j < 3; j++) {
        long twice_n = 2L * mesh[j];
        long v = ((num[j] % twice_n) + twice_n) % twice_n; /* numerator mod 2N */
        long d = v - shift[j];
        if (d < 0 || d % 2 != 0) return -1;
        idx = idx * mesh[j] + d / 2;
    }
    return idx;
}

int dft_kpoints_mp(const int mesh[3], const int shift[3], int n_op, const int (*rot)[3][3],
                   int time_reversal, dft_kpoints **out)
{
    return dft_kpoints_mp_mag(mesh, shift, n_op, rot, NULL, time_reversal, out);
}

int dft_kpoints_mp_mag(const int mesh[3], const int shift[3], int n_op, const int (*rot)[3][3], const int *t_rev,
                       int time_reversal, dft_kpoints **out)
{
    *out = NULL;
    for (int j = 0; j < 3; j++) {
        if (mesh[j] < 1) LS_ERROR(LS_ERR_INPUT, "k-point mesh %d %d %d: every division must be at least 1", mesh[0], mesh[1], mesh[2]);
        if (shift[j] != 0 && shift[j] != 1) LS_ERROR(LS_ERR_INPUT, "k-point shifts must be 0 or 1, got %d %d %d", shift[0], shift[1], shift[2]);
    }
    if (!((double)mesh[0] * mesh[1] * mesh[2] <= DFT_KPOINTS_MAX_MESH))
        LS_ERROR(LS_ERR_INPUT, "k-point mesh %d x %d x %d: more than the limit of %d points", mesh[0], mesh[1], mesh[2],
                 DFT_KPOINTS_MAX_MESH);
    long n_mesh = (long)mesh[0] * mesh[1] * mesh[2];
    long *owner = malloc((size_t)n_mesh * sizeof *owner);
    long *count = calloc((size_t)n_mesh, sizeof *count);
    dft_kpoints *kp = calloc(1, sizeof *kp);
    if (!owner || !count || !kp) {
        free(owner);
        free(count);
        free(kp);
        LS_ERROR(LS_ERR_NOMEM, "out of memory for %ld k-points", n_mesh);
    }
    for (long i = 0; i < n_mesh; i++) owner[i] = -1;
    int n_irr = 0;
    for (long i = 0; i < n_mesh; i++) {
        if (owner[i] >= 0) continue;
        owner[i] = i;
        n_irr++;
        long num[3] = {2 * (i / (mesh[1] * mesh[2])) + shift[0], 2 * ((i / mesh[2]) % mesh[1]) + shift[1],
                       2 * (i % mesh[2]) + shift[2]};
        /* Numerators are over 2N_j; a rotation mixes directions with different N, so work
         * with a common denominator: k_j = num[j] / (2 N_j). */
        double kf[3];
        for (int j = 0; j < 3; j++) kf[j] = (double)num[j] / (2.0 * mesh[j]);
        for (int op = 0; op < (n_op > 0 ? n_op : 1); op++) {
            /* An operation combined with time reversal maps k onto -R^T k. */
            int base = n_op > 0 && t_rev && t_rev[op] ? -1 : 1;
            for (int sign = 1; sign >= (time_reversal ? -1 : 1); sign -= 2) {
                double kr[3];
                for (int a = 0; a < 3; a++) {
                    double v = 0;
                    for (int b = 0; b < 3; b++) v += (n_op > 0 ? rot[op][b][a] : (a == b)) * kf[b];
                    kr[a] = base * sign * v;
                }
                long rn[3];
                int on_mesh = 1;
                for (int a = 0; a < 3; a++) {
                    double x = kr[a] * 2.0 * mesh[a];
                    rn[a] = lround(x);
                    if (fabs(x - (double)rn[a]) > 1e-8) on_mesh = 0;
                }
                if (!on_mesh) continue;
                long j = mesh_index(mesh, shift, rn);
                if (j >= 0 && owner[j] < 0) owner[j] = i;
            }
        }
    }
    for (long i = 0; i < n_mesh; i++) count[owner[i]]++;
    kp->mesh_map = malloc((size_t)n_mesh * sizeof *kp->mesh_map);
    kp->k = malloc((size_t)n_irr * sizeof *kp->k);
    kp->weight = malloc((size_t)n_irr * sizeof *kp->weight);
    if (!kp->k || !kp->weight || !kp->mesh_map) {
        free(owner);
        free(count);
        dft_kpoints_destroy(kp);
        LS_ERROR(LS_ERR_NOMEM, "out of memory");
    }
    int n = 0;
    for (long i = 0; i < n_mesh; i++) {
        if (owner[i] != i) {
            kp->mesh_map[i] = kp->mesh_map[owner[i]]; /* owners come first */
            continue;
        }
        kp->mesh_map[i] = n;
        long idx[3] = {i / (mesh[1] * mesh[2]), (i / mesh[2]) % mesh[1], i % mesh[2]};
        for (int j = 0; j < 3; j++) {
            double k = (2.0 * idx[j] + shift[j]) / (2.0 * mesh[j]);
            if (k > 0.5 + 1e-12) k -= 1.0;
            kp->k[n][j] = k;
        }
        kp->weight[n] = (double)count[i] / (double)n_mesh;
        n++;
    }
    kp->n_kpt = n;
    memcpy(kp->mesh, mesh, sizeof kp->mesh);
    memcpy(kp->shift, shift, sizeof kp->shift);
    free(owner);
    free(count);
    *out = kp;
    return LS_OK;
}

void dft_kpoints_destroy(dft_kpoints *kp)
{
    if (kp == NULL) return;
    free(kp->k);
    free(kp->weight);
    free(kp->mesh_map);
    free(kp);
}
