/* Output of the density of states: CSV, JSON and an SVG plot (dft/dft.h).  Energies in eV
 * relative to the Fermi level, densities in states per eV per cell. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/json.h"
#include "common/units.h"
#include "dft/dft.h"

#define PER_EV (1.0 / LS_HARTREE_EV) /* states/Ha -> states/eV */

static const char *spin_name(const dft_dos *d, int s) { return d->n_spin == 1 ? "" : s == 0 ? "_up" : "_down"; }

int dft_dos_write_csv(const dft_dos *d, const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) LS_ERROR(LS_ERR_IO, "cannot write %s", path);
    fprintf(f, "E_minus_EF_eV,total");
    if (d->n_spin == 2) fprintf(f, ",up,down");
    for (int c = 0; c < d->n_proj; c++)
        for (int s = 0; s < d->n_spin; s++) {
            char lab[48];
            snprintf(lab, sizeof lab, "%s", d->proj[c].label);
            for (char *x = lab; *x; x++)
                if (*x == ' ') *x = '_';
            fprintf(f, ",%s%s", lab, spin_name(d, s));
        }
    fprintf(f, "\n");
    for (int ie = 0; ie < d->n_e; ie++) {
        fprintf(f, "%.6f,%.6e", d->energy[ie] * LS_HARTREE_EV, d->total[ie] * PER_EV);
        if (d->n_spin == 2) fprintf(f, ",%.6e,%.6e", d->spin[ie] * PER_EV, d->spin[d->n_e + ie] * PER_EV);
        for (int c = 0; c < d->n_proj; c++)
            for (int s = 0; s < d->n_spin; s++) fprintf(f, ",%.6e", d->pdos[((size_t)c * d->n_spin + s) * d->n_e + ie] * PER_EV);
        fprintf(f, "\n");
    }
    if (fclose(f) != 0) LS_ERROR(LS_ERR_IO, "error writing %s", path);
    return LS_OK;
}

static void scaled(ls_json *j, const char *key, const double *v, int n, double f)
{
    ls_json_array_begin(j, key);
    for (int i = 0; i < n; i++) ls_json_number(j, NULL, v[i] * f);
    ls_json_array_end(j);
}

int dft_dos_write_json(const dft_dos *d, const dft_params *p, const char *path)
{
    ls_json *j = NULL;
    if (path[0] == '-' && path[1] == '\0') LS_TRY(ls_json_wrap(stdout, &j));
    else LS_TRY(ls_json_open_file(path, &j));
    ls_json_object_begin(j, NULL);
    ls_json_string(j, "input", p->source);
    ls_json_number(j, "fermi_eV", d->fermi * LS_HARTREE_EV);
    ls_json_int(j, "n_kpoints", d->n_kpt);
    ls_json_int(j, "n_spin", d->n_spin);
    ls_json_bool(j, "noncollinear", d->noncolin);
    if (d->noncolin && d->n_spin == 2) ls_json_number_array(j, "spin_axis", d->axis, 3);
    ls_json_string(j, "units", "energy: eV relative to the Fermi level; DOS: states/eV/cell");
    scaled(j, "energy_eV", d->energy, d->n_e, LS_HARTREE_EV);
    scaled(j, "total", d->total, d->n_e, PER_EV);
    if (d->n_spin == 2) {
        scaled(j, "up", d->spin, d->n_e, PER_EV);
        scaled(j, "down", d->spin + d->n_e, d->n_e, PER_EV);
    }
    ls_json_array_begin(j, "projections");
    for (int c = 0; c < d->n_proj; c++) {
        ls_json_object_begin(j, NULL);
        ls_json_string(j, "label", d->proj[c].label);
        ls_json_int(j, "atom", d->proj[c].atom + 1);
        ls_json_int(j, "l", d->proj[c].l);
        for (int s = 0; s < d->n_spin; s++)
            scaled(j, d->n_spin == 1 ? "dos" : s == 0 ? "up" : "down", d->pdos + ((size_t)c * d->n_spin + s) * d->n_e, d->n_e, PER_EV);
        ls_json_object_end(j);
    }
    ls_json_array_end(j);
    ls_json_object_end(j);
    return ls_json_close(j);
}

/* ---- SVG: one panel, E - E_F on x, DOS on y (down spin negative), a line per curve. */
#define W 800.0
#define H 500.0
#define ML 70.0
#define MR 150.0
#define MT 40.0
#define MB 50.0

static double nice_step(double range)
{
    double raw = range / 6, p = pow(10, floor(log10(raw))), m = raw / p;
    return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

static void polyline(FILE *f, const dft_dos *d, const double *y, double sign, double ymin, double ymax, const char *color,
                     double width)
{
    double e0 = d->energy[0], e1 = d->energy[d->n_e - 1];
    fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"%.1f\" points=\"", color, width);
    for (int ie = 0; ie < d->n_e; ie++) {
        double x = ML + (d->energy[ie] - e0) / (e1 - e0) * (W - ML - MR);
        double v = sign * y[ie] * PER_EV;
        double yy = MT + (ymax - v) / (ymax - ymin) * (H - MT - MB);
        fprintf(f, "%.1f,%.1f ", x, yy);
    }
    fprintf(f, "\"/>\n");
}

int dft_dos_write_svg(const dft_dos *d, const dft_params *p, const char *path)
{
    static const char *colors[] = {"#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"};
    /* Curves: the total (or up/down), and the projections summed per species label and l. */
    int n_sum = 0, n_e = d->n_e;
    char sum_label[32][24];
    double *sums = calloc((size_t)32 * 2 * n_e, sizeof *sums); /* [32][2][n_e] */
    if (!sums) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    for (int c = 0; c < d->n_proj; c++) {
        char lab[24];
        const char *sp = d->proj[c].label, *blank = strchr(sp, ' ');
        int len = 0;
        while (sp + len < blank && !(sp[len] >= '0' && sp[len] <= '9')) len++; /* species label without the atom number */
        snprintf(lab, sizeof lab, "%.*s %s", len, sp, blank ? blank + 1 : "");
        int k = 0;
        while (k < n_sum && strcmp(sum_label[k], lab) != 0) k++;
        if (k == n_sum) {
            if (n_sum == 32) continue;
            snprintf(sum_label[n_sum++], sizeof sum_label[0], "%s", lab);
        }
        for (int s = 0; s < d->n_spin; s++)
            for (int ie = 0; ie < n_e; ie++) sums[((size_t)k * 2 + s) * n_e + ie] += d->pdos[((size_t)c * d->n_spin + s) * d->n_e + ie];
    }
    double ymax = 0;
    for (int ie = 0; ie < n_e; ie++) {
        double t = d->n_spin == 2 ? fmax(d->spin[ie], d->spin[d->n_e + ie]) : d->total[ie];
        ymax = fmax(ymax, t * PER_EV);
    }
    if (!(ymax > 0)) ymax = 1;
    ymax *= 1.05;
    double ymin = d->n_spin == 2 ? -ymax : 0;
    FILE *f = fopen(path, "w");
    if (!f) {
        free(sums);
        LS_ERROR(LS_ERR_IO, "cannot write %s", path);
    }
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" font-family=\"sans-serif\" font-size=\"12\">\n", W, H);
    fprintf(f, "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n");
    fprintf(f, "<text x=\"%.0f\" y=\"24\" font-size=\"15\">Density of states: %s (%s)</text>\n", ML, p->source,
            d->n_spin == 2 ? (d->noncolin ? "spin along M: up above, down below" : "spin up above, down below") : "total");
    double e0 = d->energy[0] * LS_HARTREE_EV, e1 = d->energy[d->n_e - 1] * LS_HARTREE_EV;
    double pw = W - ML - MR, ph = H - MT - MB;
    fprintf(f, "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" stroke=\"black\"/>\n", ML, MT, pw, ph);
    double st = nice_step(e1 - e0);
    for (double e = ceil(e0 / st) * st; e <= e1 + 1e-9; e += st) {
        double x = ML + (e - e0) / (e1 - e0) * pw;
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"#ccc\"/>\n", x, MT, x, MT + ph);
        fprintf(f, "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">%g</text>\n", x, MT + ph + 16, fabs(e) < 1e-9 ? 0.0 : e);
    }
    double sy = nice_step(ymax - ymin);
    for (double v = ceil(ymin / sy) * sy; v <= ymax + 1e-12; v += sy) {
        double y = MT + (ymax - v) / (ymax - ymin) * ph;
        fprintf(f, "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"#eee\"/>\n", ML, y, ML + pw, y);
        fprintf(f, "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">%g</text>\n", ML - 6, y + 4, fabs(v) < 1e-12 ? 0.0 : v);
    }
    double xf = ML + (0 - e0) / (e1 - e0) * pw;
    if (xf > ML && xf < ML + pw)
        fprintf(f, "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"black\" stroke-dasharray=\"4,3\"/>\n", xf, MT, xf, MT + ph);
    fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\">E - E_F (eV)</text>\n", ML + pw / 2, H - 12);
    fprintf(f, "<text transform=\"translate(18,%.0f) rotate(-90)\" text-anchor=\"middle\">DOS (states/eV/cell)</text>\n", MT + ph / 2);
    dft_dos tmp = *d;
    if (d->n_spin == 2) {
        polyline(f, &tmp, d->spin, 1, ymin, ymax, "black", 1.5);
        polyline(f, &tmp, d->spin + d->n_e, -1, ymin, ymax, "black", 1.5);
    } else {
        polyline(f, &tmp, d->total, 1, ymin, ymax, "black", 1.5);
    }
    fprintf(f, "<text x=\"%.0f\" y=\"%.0f\">total</text>\n", ML + pw + 10, MT + 14);
    for (int k = 0; k < n_sum; k++) {
        const char *col = colors[k % 8];
        polyline(f, &tmp, sums + (size_t)k * 2 * n_e, 1, ymin, ymax, col, 1.0);
        if (d->n_spin == 2) polyline(f, &tmp, sums + ((size_t)k * 2 + 1) * n_e, -1, ymin, ymax, col, 1.0);
        fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" fill=\"%s\">%s</text>\n", ML + pw + 10, MT + 32 + 18 * k, col, sum_label[k]);
    }
    fprintf(f, "</svg>\n");
    free(sums);
    if (fclose(f) != 0) LS_ERROR(LS_ERR_IO, "error writing %s", path);
    return LS_OK;
}
