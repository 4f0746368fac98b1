/* SVG plots: see common/svg_plot.h. */
#include "common/svg_plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/textio.h"

enum series_kind { SERIES_LINE, SERIES_STEP, SERIES_POINTS };

struct series {
    enum series_kind kind;
    char label[128];
    char color[32];
    int dashed;
    int n;
    double *x, *y;
    char **tips;
};

struct ls_plot {
    char title[256], xlabel[128], ylabel[128];
    int n_series;
    struct series s[16];
    int has_xr, has_yr, diagonal;
    double xr[2], yr[2];
};

int ls_plot_create(const char *title, const char *xlabel, const char *ylabel, ls_plot **out)
{
    *out = calloc(1, sizeof **out);
    if (!*out) LS_ERROR(LS_ERR_NOMEM, "out of memory for a plot");
    snprintf((*out)->title, sizeof (*out)->title, "%s", title);
    snprintf((*out)->xlabel, sizeof (*out)->xlabel, "%s", xlabel);
    snprintf((*out)->ylabel, sizeof (*out)->ylabel, "%s", ylabel);
    return LS_OK;
}

void ls_plot_destroy(ls_plot *p)
{
    if (!p) return;
    for (int i = 0; i < p->n_series; i++) {
        free(p->s[i].x);
        free(p->s[i].y);
        if (p->s[i].tips)
            for (int k = 0; k < p->s[i].n; k++) free(p->s[i].tips[k]);
        free(p->s[i].tips);
    }
    free(p);
}

static int add(ls_plot *p, enum series_kind kind, const char *label, const char *color, int dashed, int n,
               const double *x, const double *y, const char *const *tips)
{
    if (p->n_series == (int)(sizeof p->s / sizeof p->s[0])) LS_ERROR(LS_ERR_INTERNAL, "too many series in a plot");
    struct series *s = &p->s[p->n_series];
    memset(s, 0, sizeof *s);
    s->kind = kind;
    snprintf(s->label, sizeof s->label, "%s", label ? label : "");
    snprintf(s->color, sizeof s->color, "%s", color);
    s->dashed = dashed;
    s->n = n;
    s->x = malloc((size_t)(n ? n : 1) * sizeof *s->x);
    s->y = malloc((size_t)(n ? n : 1) * sizeof *s->y);
    if (!s->x || !s->y) {
        free(s->x), free(s->y);
        LS_ERROR(LS_ERR_NOMEM, "out of memory for a plot");
    }
    memcpy(s->x, x, (size_t)n * sizeof *x);
    memcpy(s->y, y, (size_t)n * sizeof *y);
    if (tips) {
        s->tips = calloc((size_t)(n ? n : 1), sizeof *s->tips);
        if (!s->tips) LS_ERROR(LS_ERR_NOMEM, "out of memory for a plot");
        for (int i = 0; i < n; i++) s->tips[i] = strdup(tips[i] ? tips[i] : "");
    }
    p->n_series++;
    return LS_OK;
}

int ls_plot_line(ls_plot *p, const char *label, const char *color, int dashed, int n, const double *x, const double *y)
{
    return add(p, SERIES_LINE, label, color, dashed, n, x, y, NULL);
}

int ls_plot_step(ls_plot *p, const char *label, const char *color, int dashed, int n, const double *x, const double *y)
{
    return add(p, SERIES_STEP, label, color, dashed, n, x, y, NULL);
}

int ls_plot_points(ls_plot *p, const char *label, const char *color, int n, const double *x, const double *y,
                   const char *const *tips)
{
    return add(p, SERIES_POINTS, label, color, 0, n, x, y, tips);
}

void ls_plot_xrange(ls_plot *p, double lo, double hi)
{
    p->has_xr = 1;
    p->xr[0] = lo;
    p->xr[1] = hi;
}

void ls_plot_yrange(ls_plot *p, double lo, double hi)
{
    p->has_yr = 1;
    p->yr[0] = lo;
    p->yr[1] = hi;
}

void ls_plot_diagonal(ls_plot *p)
{
    p->diagonal = 1;
}

static void xml(FILE *fp, const char *s)
{
    for (; *s; s++) {
        if (*s == '<') fputs("&lt;", fp);
        else if (*s == '>') fputs("&gt;", fp);
        else if (*s == '&') fputs("&amp;", fp);
        else if (*s == '"') fputs("&quot;", fp);
        else fputc(*s, fp);
    }
}

/* A round tick step for a range: 1, 2 or 5 times a power of ten, about 6 ticks. */
static double tick_step(double lo, double hi)
{
    double span = hi - lo;
    if (!(span > 0)) return 1;
    double raw = span / 6, mag = pow(10, floor(log10(raw)));
    double f = raw / mag;
    return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * mag;
}

static void data_range(const ls_plot *p, int axis, double r[2])
{
    r[0] = INFINITY;
    r[1] = -INFINITY;
    for (int i = 0; i < p->n_series; i++)
        for (int k = 0; k < p->s[i].n; k++) {
            double v = axis ? p->s[i].y[k] : p->s[i].x[k];
            if (!isfinite(v)) continue;
            if (v < r[0]) r[0] = v;
            if (v > r[1]) r[1] = v;
        }
    if (!isfinite(r[0])) {
        r[0] = 0;
        r[1] = 1;
    }
    double pad = (r[1] - r[0]) * 0.05;
    if (pad == 0) pad = fabs(r[0]) > 0 ? 0.05 * fabs(r[0]) : 0.5;
    r[0] -= pad;
    r[1] += pad;
}

int ls_plot_write(const ls_plot *p, const char *path)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    if (!fp) LS_ERROR(LS_ERR_NOMEM, "out of memory writing %s", path);
    const double W = 680, H = 460, x0 = 80, y0 = 390, pw = 560, ph = 330;
    double xr[2], yr[2];
    if (p->has_xr) memcpy(xr, p->xr, sizeof xr);
    else data_range(p, 0, xr);
    if (p->has_yr) memcpy(yr, p->yr, sizeof yr);
    else data_range(p, 1, yr);
    if (p->diagonal) { /* one range for both axes */
        double lo = fmin(xr[0], yr[0]), hi = fmax(xr[1], yr[1]);
        xr[0] = yr[0] = lo;
        xr[1] = yr[1] = hi;
    }
#define PX(v) (x0 + ((v) - xr[0]) / (xr[1] - xr[0]) * pw)
#define PY(v) (y0 - ((v) - yr[0]) / (yr[1] - yr[0]) * ph)
    fprintf(fp, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
                "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" font-size=\"12\">\n"
                "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n<text x=\"%.0f\" y=\"28\" font-size=\"15\" "
                "text-anchor=\"middle\">",
            W, H, W, H, W / 2);
    xml(fp, p->title);
    fprintf(fp, "</text>\n");
    double sx = tick_step(xr[0], xr[1]), sy = tick_step(yr[0], yr[1]);
    for (double t = ceil(xr[0] / sx) * sx; t <= xr[1] + 1e-9 * sx; t += sx) {
        double v = fabs(t) < 1e-12 * sx ? 0 : t;
        fprintf(fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>\n", PX(v), y0, PX(v),
                y0 - ph);
        fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%g</text>\n", PX(v), y0 + 18, v);
    }
    for (double t = ceil(yr[0] / sy) * sy; t <= yr[1] + 1e-9 * sy; t += sy) {
        double v = fabs(t) < 1e-12 * sy ? 0 : t;
        fprintf(fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>\n", x0, PY(v), x0 + pw,
                PY(v));
        fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%g</text>\n", x0 - 6, PY(v) + 4, v);
    }
    fprintf(fp, "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" stroke=\"black\"/>\n", x0,
            y0 - ph, pw, ph);
    fprintf(fp, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\">", x0 + pw / 2, y0 + 42);
    xml(fp, p->xlabel);
    fprintf(fp, "</text>\n<text transform=\"translate(22,%.0f) rotate(-90)\" text-anchor=\"middle\">", y0 - ph / 2);
    xml(fp, p->ylabel);
    fprintf(fp, "</text>\n<clipPath id=\"area\"><rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\"/></clipPath>\n"
                "<g clip-path=\"url(#area)\">\n",
            x0, y0 - ph, pw, ph);
    if (p->diagonal)
        fprintf(fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#999\" stroke-dasharray=\"4,4\"/>\n",
                PX(xr[0]), PY(yr[0]), PX(xr[1]), PY(yr[1]));
    for (int i = 0; i < p->n_series; i++) {
        const struct series *s = &p->s[i];
        if (s->kind == SERIES_POINTS) {
            for (int k = 0; k < s->n; k++) {
                if (!isfinite(s->x[k]) || !isfinite(s->y[k])) continue;
                fprintf(fp, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\" fill-opacity=\"0.75\">", PX(s->x[k]),
                        PY(s->y[k]), s->color);
                if (s->tips) {
                    fprintf(fp, "<title>");
                    xml(fp, s->tips[k]);
                    fprintf(fp, "</title>");
                }
                fprintf(fp, "</circle>\n");
            }
            continue;
        }
        fprintf(fp, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\"%s points=\"", s->color,
                s->dashed ? " stroke-dasharray=\"6,4\"" : "");
        int first = 1;
        double prev_y = NAN;
        for (int k = 0; k < s->n; k++) {
            if (!isfinite(s->x[k]) || !isfinite(s->y[k])) continue;
            if (s->kind == SERIES_STEP && !first) fprintf(fp, " %.1f,%.1f", PX(s->x[k]), PY(prev_y));
            fprintf(fp, "%s%.1f,%.1f", first ? "" : " ", PX(s->x[k]), PY(s->y[k]));
            prev_y = s->y[k];
            first = 0;
        }
        fprintf(fp, "\"/>\n");
    }
    fprintf(fp, "</g>\n");
    /* Legend, top left inside the frame. */
    int row = 0;
    for (int i = 0; i < p->n_series; i++) {
        const struct series *s = &p->s[i];
        if (!s->label[0]) continue;
        double ly = y0 - ph + 18 + 18 * row++;
        if (s->kind == SERIES_POINTS)
            fprintf(fp, "<circle cx=\"%.0f\" cy=\"%.0f\" r=\"4\" fill=\"%s\"/>\n", x0 + 22, ly - 4, s->color);
        else
            fprintf(fp, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"%s\" stroke-width=\"2\"%s/>\n",
                    x0 + 10, ly - 4, x0 + 34, ly - 4, s->color, s->dashed ? " stroke-dasharray=\"6,4\"" : "");
        fprintf(fp, "<text x=\"%.0f\" y=\"%.0f\">", x0 + 40, ly);
        xml(fp, s->label);
        fprintf(fp, "</text>\n");
    }
    fprintf(fp, "</svg>\n");
#undef PX
#undef PY
    if (fclose(fp) != 0) {
        free(buf);
        LS_ERROR(LS_ERR_NOMEM, "cannot format the plot %s", path);
    }
    int status = ls_file_write_atomic(path, buf, len);
    free(buf);
    return status;
}
