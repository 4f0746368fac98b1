/* SVG plot of the pool benchmark: median Top% of the search against the number of
 * evaluations, with random search (Top% = i/N in expectation) for comparison, and the
 * 0.5 and 0.8 levels.  Plain SVG 1.1 written by hand: no plotting program needed. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/err.h"
#include "common/textio.h"
#include "search/bench.h"

static void xml_text(FILE *fp, const char *s)
{
    for (; *s; s++) {
        if (*s == '<') fputs("&lt;", fp);
        else if (*s == '>') fputs("&gt;", fp);
        else if (*s == '&') fputs("&amp;", fp);
        else fputc(*s, fp);
    }
}

int bo_bench_pool_plot_svg(const char *path, const char *title, const bo_pool_bench_result *r, const char *label)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    if (fp == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory writing %s", path);
    const double W = 640, H = 440, x0 = 70, y0 = 380, pw = 540, ph = 320;
    long N = r->n_pool;
    fprintf(fp, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
                "font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
            W, H);
    fprintf(fp, "<text x=\"%.0f\" y=\"30\" font-size=\"15\" text-anchor=\"middle\">", W / 2);
    xml_text(fp, title);
    fprintf(fp, "</text>\n");
    /* Axes and ticks. */
    fprintf(fp, "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" stroke=\"black\"/>\n", x0,
            y0 - ph, pw, ph);
    for (int k = 0; k <= 5; k++) {
        double v = k / 5.0, yy = y0 - v * ph;
        fprintf(fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", x0, yy, x0 + pw, yy);
        fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.1f</text>\n", x0 - 6, yy + 4, v);
    }
    double step = pow(10.0, floor(log10(N / 2.0)));
    if (N / step > 10) step *= 2;
    for (double t = 0; t <= N; t += step) {
        double xx = x0 + t / N * pw;
        fprintf(fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>\n", xx, y0, xx, y0 + 5);
        fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%.0f</text>\n", xx, y0 + 18, t);
    }
    for (int k = 0; k < 2; k++) {
        double lv = k ? 0.8 : 0.5, yy = y0 - lv * ph;
        fprintf(fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#999\" stroke-dasharray=\"2,3\"/>\n",
                x0, yy, x0 + pw, yy);
    }
    fprintf(fp, "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"middle\">evaluations</text>\n", x0 + pw / 2, y0 + 40);
    fprintf(fp, "<text transform=\"translate(20,%.0f) rotate(-90)\" text-anchor=\"middle\">Top%% (fraction of "
                "top-5%% candidates found)</text>\n", y0 - ph / 2);
    /* Random search: straight line i/N. */
    fprintf(fp, "<polyline fill=\"none\" stroke=\"#888\" stroke-width=\"2\" stroke-dasharray=\"6,4\" "
                "points=\"%.1f,%.1f %.1f,%.1f\"/>\n", x0, y0, x0 + pw, y0 - ph);
    fprintf(fp, "<polyline fill=\"none\" stroke=\"#c0392b\" stroke-width=\"2\" points=\"%.1f,%.1f", x0, y0);
    for (long i = 0; i < N; i++) fprintf(fp, " %.1f,%.1f", x0 + (i + 1.0) / N * pw, y0 - r->median_curve[i] * ph);
    fprintf(fp, "\"/>\n");
    /* Legend. */
    fprintf(fp, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"#c0392b\" stroke-width=\"2\"/>\n",
            x0 + pw - 230, y0 - 60, x0 + pw - 200, y0 - 60);
    fprintf(fp, "<text x=\"%.0f\" y=\"%.0f\">", x0 + pw - 195, y0 - 56);
    xml_text(fp, label);
    fprintf(fp, " (median of %ld runs)</text>\n", r->n_runs);
    fprintf(fp, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"#888\" stroke-width=\"2\" "
                "stroke-dasharray=\"6,4\"/>\n", x0 + pw - 230, y0 - 40, x0 + pw - 200, y0 - 40);
    fprintf(fp, "<text x=\"%.0f\" y=\"%.0f\">random search (i/N)</text>\n", x0 + pw - 195, y0 - 36);
    fprintf(fp, "<text x=\"%.0f\" y=\"%.0f\">", x0 + pw - 230, y0 - 16);
    fprintf(fp, "Top%%=0.5 at %ld, 0.8 at %ld of N=%ld</text>\n", r->evals_to_top50, r->evals_to_top80, N);
    fprintf(fp, "</svg>\n");
    if (fclose(fp) != 0) {
        free(buf);
        LS_ERROR(LS_ERR_IO, "cannot format the plot %s", path);
    }
    int status = ls_file_write_atomic(path, buf, len);
    free(buf);
    return status;
}
