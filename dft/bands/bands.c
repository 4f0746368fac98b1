/* Band structures as files: the eigenvalues of a 'bands' (or 'nscf') run at each k-point, with
 * the distance along the path and the path's labels (see dft.h, dft_bands_write).
 *
 * The distance is the cumulative length of the steps between consecutive k-points in
 * Cartesian reciprocal space, |k_{i+1} - k_i| with k = sum_j k_j b_j (b_j with the 2 pi), in
 * 1/Å (pw.x's paths are continuous).  Labels: those of dft_params.klist (a path's vertices, e.g.
 * "G", "X", or the ones given after '!' in the input), "" elsewhere.
 *
 * CSV: one row per k-point: k_index, k1, k2, k3 (fractional), distance_1_per_A, label, then
 * band_1_eV ... band_N_eV (with spin: up_1_eV ..., down_1_eV ...), absolute energies.
 * JSON: {"program", "input", "fermi_eV" (the scf run's for 'bands'), "n_kpoints", "n_bands",
 * "n_spin", "kpoints": [{"k_frac", "distance_1_per_A", "label", "eigenvalues_eV" (or _up/_down)}],
 * "ticks": [{"distance_1_per_A", "label"}]}.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/json.h"
#include "common/structure.h"
#include "common/units.h"
#include "dft/bands/bands_impl.h"
#include "dft/dft.h"

/* Reciprocal vectors (rows, 1/bohr, with the 2 pi) of the cell (rows, bohr). */
static void recip(const double a[3][3], double b[3][3])
{
    double v = a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0]) +
               a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
    for (int i = 0; i < 3; i++) {
        const double *u = a[(i + 1) % 3], *w = a[(i + 2) % 3];
        b[i][0] = 2 * M_PI * (u[1] * w[2] - u[2] * w[1]) / v;
        b[i][1] = 2 * M_PI * (u[2] * w[0] - u[0] * w[2]) / v;
        b[i][2] = 2 * M_PI * (u[0] * w[1] - u[1] * w[0]) / v;
    }
}

int dft_bands_path(const dft_params *p, const dft_result *r, double *dist, const char **label)
{
    double b[3][3];
    recip(p->structure->cell, b);
    int labelled = p->n_klist == r->n_kpt;
    for (int ik = 0; ik < r->n_kpt; ik++) {
        label[ik] = labelled ? p->klist[ik].label : "";
        if (ik == 0) {
            dist[0] = 0;
            continue;
        }
        double d[3] = {0, 0, 0};
        for (int j = 0; j < 3; j++)
            for (int c = 0; c < 3; c++) d[c] += (r->kpoints[ik][j] - r->kpoints[ik - 1][j]) * b[j][c];
        dist[ik] = dist[ik - 1] + sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]) / LS_BOHR_ANGSTROM; /* 1/bohr -> 1/A */
    }
    return LS_OK;
}

static int write_csv(const char *path, const dft_result *r, const double *dist, const char **label)
{
    FILE *f = fopen(path, "w");
    if (!f) LS_ERROR(LS_ERR_IO, "cannot write %s", path);
    fprintf(f, "k_index,k1,k2,k3,distance_1_per_A,label");
    for (int is = 0; is < r->n_spin; is++)
        for (int ib = 0; ib < r->n_band; ib++)
            fprintf(f, ",%s_%d_eV", r->n_spin == 2 ? (is ? "down" : "up") : "band", ib + 1);
    fputc('\n', f);
    for (int ik = 0; ik < r->n_kpt; ik++) {
        fprintf(f, "%d,%.10f,%.10f,%.10f,%.8f,%s", ik + 1, r->kpoints[ik][0], r->kpoints[ik][1], r->kpoints[ik][2],
                dist[ik], label[ik]);
        for (int is = 0; is < r->n_spin; is++)
            for (int ib = 0; ib < r->n_band; ib++)
                fprintf(f, ",%.6f", r->eigenvalues[((size_t)is * r->n_kpt + ik) * r->n_band + ib] * LS_HARTREE_EV);
        fputc('\n', f);
    }
    if (fclose(f) != 0) LS_ERROR(LS_ERR_IO, "cannot write %s", path);
    return LS_OK;
}

static int write_json(const char *path, const dft_params *p, const dft_result *r, const double *dist, const char **label)
{
    ls_json *j = NULL;
    LS_TRY(ls_json_open_file(path, &j));
    ls_json_object_begin(j, NULL);
    ls_json_string(j, "program", "lodestone bands");
    ls_json_string(j, "input", p->source);
    ls_json_number(j, "fermi_eV", r->fermi * LS_HARTREE_EV);
    ls_json_int(j, "n_kpoints", r->n_kpt);
    ls_json_int(j, "n_bands", r->n_band);
    ls_json_int(j, "n_spin", r->n_spin);
    ls_json_array_begin(j, "kpoints");
    double *e = malloc((size_t)r->n_band * sizeof *e);
    if (!e) {
        ls_json_abort(j);
        LS_ERROR(LS_ERR_NOMEM, "out of memory");
    }
    for (int ik = 0; ik < r->n_kpt; ik++) {
        ls_json_object_begin(j, NULL);
        ls_json_number_array(j, "k_frac", r->kpoints[ik], 3);
        ls_json_number(j, "distance_1_per_A", dist[ik]);
        ls_json_string(j, "label", label[ik]);
        for (int is = 0; is < r->n_spin; is++) {
            for (int ib = 0; ib < r->n_band; ib++)
                e[ib] = r->eigenvalues[((size_t)is * r->n_kpt + ik) * r->n_band + ib] * LS_HARTREE_EV;
            ls_json_number_array(j, r->n_spin == 2 ? (is ? "eigenvalues_down_eV" : "eigenvalues_up_eV") : "eigenvalues_eV",
                                 e, r->n_band);
        }
        ls_json_object_end(j);
    }
    free(e);
    ls_json_array_end(j);
    ls_json_array_begin(j, "ticks");
    for (int ik = 0; ik < r->n_kpt; ik++) {
        if (!label[ik][0]) continue;
        ls_json_object_begin(j, NULL);
        ls_json_number(j, "distance_1_per_A", dist[ik]);
        ls_json_string(j, "label", label[ik]);
        ls_json_object_end(j);
    }
    ls_json_array_end(j);
    ls_json_object_end(j);
    return ls_json_close(j);
}

int dft_bands_write(const char *stem, const dft_params *p, const dft_result *r)
{
    if (r->n_kpt < 1 || !r->eigenvalues) LS_ERROR(LS_ERR_INPUT, "no bands to write");
    double *dist = malloc((size_t)r->n_kpt * sizeof *dist);
    const char **label = malloc((size_t)r->n_kpt * sizeof *label);
    int status = LS_OK;
    char path[4200];
    if (!dist || !label) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    LS_TRY_GOTO(status, dft_bands_path(p, r, dist, label), done);
    snprintf(path, sizeof path, "%s.csv", stem);
    LS_TRY_GOTO(status, write_csv(path, r, dist, label), done);
    snprintf(path, sizeof path, "%s.json", stem);
    LS_TRY_GOTO(status, write_json(path, p, r, dist, label), done);
    snprintf(path, sizeof path, "%s.svg", stem);
    LS_TRY_GOTO(status, dft_bands_svg(path, p, r, dist, label), done);
done:
    free(dist);
    free(label);
    return status;
}
