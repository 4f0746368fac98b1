/* Calibration of the ensemble spread: one factor for energies and one for forces, fitted by
 * maximum likelihood on a validation set, and the calibration plot.
 *
 * Error model: err_i ~ N(0, (s sigma_i)^2) with sigma_i the standard deviation over the
 * members.  The log-likelihood -sum_i [log(s sigma_i) + err_i^2 / (2 s^2 sigma_i^2)] is
 * largest at s^2 = (1/n) sum_i err_i^2 / sigma_i^2 (the "sigma scaling" of Levi et al.,
 * Sensors 22, 5540 (2022), doi:10.3390/s22155540; for ensembles of interatomic potentials
 * e.g. Tran et al., Mach. Learn.: Sci. Technol. 1, 025006 (2020)).  Energies enter per atom
 * (one error per structure), forces per Cartesian component; points with sigma_i = 0 are
 * left out.
 */
#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "surrogate/model.h"

void nnp_model_uncertainty_scale(const nnp_model *m, double *energy, double *force)
{
    *energy = m->unc_scale_energy;
    *force = m->unc_scale_force;
}

/* Ratios |err| / sigma (unscaled spreads) of energies per atom and of force components. */
struct ratios {
    double *e, *f;
    long n_e, n_f, cap_f;
};

static int collect(void *ctx, int index, const ls_structure *s, const struct nnp_result *r)
{
    struct ratios *q = ctx;
    (void)index;
    if (s->has_energy && s->n_atom > 0 && r->energy_std > 0) {
        double sd = r->energy_std / r->unc_scale_energy;
        q->e[q->n_e++] = fabs(r->energy - s->energy) / sd;
    }
    if (s->forces == NULL) return LS_OK;
    if (q->n_f + 3L * s->n_atom > q->cap_f) {
        long cap = 2 * (q->cap_f + 3L * s->n_atom);
        double *nf = realloc(q->f, (size_t)cap * sizeof *nf);
        if (nf == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
        q->f = nf;
        q->cap_f = cap;
    }
    for (int i = 0; i < s->n_atom; i++)
        for (int c = 0; c < 3; c++) {
            double sd = r->force_std[i][c] / r->unc_scale_force;
            if (sd > 0) q->f[q->n_f++] = fabs(r->forces[i][c] - s->forces[i][c]) / sd;
        }
    return LS_OK;
}

static int collect_ratios(const nnp_model *m, const ls_structure_list *set, struct ratios *q)
{
    memset(q, 0, sizeof *q);
    q->e = malloc((size_t)(set->n + 1) * sizeof *q->e);
    if (q->e == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    return nnp_model_predict_each(m, set, collect, q);
}

int nnp_model_calibrate(nnp_model *m, const ls_structure_list *val, struct nnp_errors *err_before,
                        struct nnp_errors *err_after)
{
    int status = LS_OK;
    struct ratios q;
    memset(&q, 0, sizeof q);
    if (m->n_member < 2)
        LS_ERROR(LS_ERR_INPUT, "calibrating the uncertainty needs an ensemble (train with --ensemble 2 or more)");
    if (val == NULL || val->n < 1) LS_ERROR(LS_ERR_INPUT, "calibrating the uncertainty needs validation structures");
    LS_TRY_GOTO(status, collect_ratios(m, val, &q), done);
    if (q.n_e < 1) LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "calibration: no structure with an energy and a spread");
    double se = 0.0, sf = 0.0;
    for (long i = 0; i < q.n_e; i++) se += q.e[i] * q.e[i];
    for (long i = 0; i < q.n_f; i++) sf += q.f[i] * q.f[i];
    double scale_e = sqrt(se / q.n_e), scale_f = q.n_f > 0 ? sqrt(sf / q.n_f) : 1.0;
    if (!(scale_e > 0 && isfinite(scale_e)) || !(scale_f > 0 && isfinite(scale_f)))
        LS_ERROR_GOTO(status, LS_ERR_NUMERIC, done, "calibration: the fitted scale is not a positive number "
                      "(energy %g, forces %g)", scale_e, scale_f);
    m->unc_scale_energy = m->unc_scale_force = 1.0;
    if (err_before) LS_TRY_GOTO(status, nnp_model_errors(m, val, err_before), done);
    m->unc_scale_energy = scale_e;
    m->unc_scale_force = scale_f;
    if (err_after) LS_TRY_GOTO(status, nnp_model_errors(m, val, err_after), done);
done:
    free(q.e);
    free(q.f);
    return status;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Fraction of the sorted v[0..n-1] at or below x. */
static double fraction_below(const double *v, long n, double x)
{
    long lo = 0, hi = n;
    while (lo < hi) {
        long mid = (lo + hi) / 2;
        if (v[mid] <= x) lo = mid + 1;
        else hi = mid;
    }
    return n > 0 ? (double)lo / n : 0.0;
}

/* One panel: x0, y0 top-left corner, size W x H pixels. */
static void panel(FILE *fp, double x0, double y0, double W, double H, const char *label, const double *v, long n,
                  double scale)
{
    fprintf(fp, "<rect x='%g' y='%g' width='%g' height='%g' fill='none' stroke='black'/>\n", x0, y0, W, H);
    fprintf(fp, "<line x1='%g' y1='%g' x2='%g' y2='%g' stroke='#999' stroke-dasharray='4,3'/>\n", x0, y0 + H, x0 + W, y0);
    for (int t = 0; t <= 4; t++) {
        double f = t / 4.0;
        fprintf(fp, "<text x='%g' y='%g' font-size='11' text-anchor='middle'>%.2g</text>\n", x0 + f * W, y0 + H + 15, f);
        fprintf(fp, "<text x='%g' y='%g' font-size='11' text-anchor='end'>%.2g</text>\n", x0 - 4, y0 + H - f * H + 4, f);
    }
    fprintf(fp, "<text x='%g' y='%g' font-size='13' text-anchor='middle'>%s (%ld points)</text>\n", x0 + W / 2, y0 - 8,
            label, n);
    fprintf(fp, "<text x='%g' y='%g' font-size='11' text-anchor='middle'>expected fraction within z(p) spreads</text>\n",
            x0 + W / 2, y0 + H + 32);
    const char *colour[2] = {"#d62728", "#1f77b4"};
    for (int k = 0; k < 2; k++) {
        double s = k == 0 ? 1.0 : scale;
        fprintf(fp, "<polyline fill='none' stroke='%s' stroke-width='2' points='", colour[k]);
        for (int i = 0; i <= 100; i++) {
            double p = i / 100.0, z = i == 100 ? INFINITY : gsl_cdf_ugaussian_Pinv(0.5 + 0.5 * p);
            double obs = fraction_below(v, n, z * s);
            fprintf(fp, "%.2f,%.2f ", x0 + p * W, y0 + H - obs * H);
        }
        fprintf(fp, "'/>\n");
        double c1 = fraction_below(v, n, s), c2 = fraction_below(v, n, 2 * s);
        fprintf(fp, "<text x='%g' y='%g' font-size='11' fill='%s'>%s: %.0f%% within 1, %.0f%% within 2 spreads</text>\n",
                x0 + 8, y0 + 16 + 14 * k, colour[k], k == 0 ? "ensemble spread" : "calibrated", 100 * c1, 100 * c2);
    }
    fprintf(fp, "<text x='%g' y='%g' font-size='11' fill='#1f77b4'>scale %.3g</text>\n", x0 + 8, y0 + 44, scale);
}

int nnp_model_calibration_plot(const nnp_model *m, const ls_structure_list *set, const char *title, const char *path)
{
    int status = LS_OK;
    struct ratios q;
    memset(&q, 0, sizeof q);
    if (m->n_member < 2) LS_ERROR(LS_ERR_INPUT, "a calibration plot needs an ensemble model (--ensemble 2 or more)");
    LS_TRY_GOTO(status, collect_ratios(m, set, &q), done);
    qsort(q.e, (size_t)q.n_e, sizeof *q.e, cmp_double);
    qsort(q.f, (size_t)q.n_f, sizeof *q.f, cmp_double);
    FILE *fp = fopen(path, "w");
    if (fp == NULL) LS_ERROR_GOTO(status, LS_ERR_IO, done, "cannot write the calibration plot '%s'", path);
    const double W = 300, H = 300;
    fprintf(fp, "<svg xmlns='http://www.w3.org/2000/svg' width='%g' height='%g' font-family='sans-serif'>\n",
            2 * W + 160, H + 110);
    fprintf(fp, "<rect width='100%%' height='100%%' fill='white'/>\n");
    fprintf(fp, "<text x='%g' y='18' font-size='14' text-anchor='middle'>%s</text>\n", W + 80, title);
    fprintf(fp, "<text x='14' y='%g' font-size='11' transform='rotate(-90 14 %g)' text-anchor='middle'>observed "
            "fraction</text>\n", 40 + H / 2, 40 + H / 2);
    panel(fp, 60, 50, W, H, "energy per atom", q.e, q.n_e, m->unc_scale_energy);
    panel(fp, 120 + W, 50, W, H, "force components", q.f, q.n_f, m->unc_scale_force);
    fprintf(fp, "</svg>\n");
    if (fclose(fp) != 0) LS_ERROR_GOTO(status, LS_ERR_IO, done, "cannot write the calibration plot '%s'", path);
done:
    free(q.e);
    free(q.f);
    return status;
}
