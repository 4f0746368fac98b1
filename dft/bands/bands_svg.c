/* A band structure drawn as SVG (see bands_impl.h): written directly, no plotting program
 * needed.  Energies E - E_F in eV on the vertical axis (E_F: the run's Fermi level, for
 * 'bands' runs the scf run's), ticks every 1, 2, 5 or 10 eV as the range asks; the distance
 * along the path (1/Å) on the horizontal axis, with the path's labels. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "common/structure.h"
#include "common/units.h"
#include "dft/bands/bands_impl.h"

#define W 720.0
#define H 540.0
#define LEFT 70.0
#define RIGHT 20.0
#define TOP 40.0
#define BOTTOM 50.0

static void xml_text(FILE *f, const char *s)
{
    if (!strcmp(s, "G") || !strcasecmp(s, "gamma") || !strcmp(s, "gG")) {
        fputs("&#915;", f); /* Γ */
        return;
    }
    for (; *s; s++) {
        if (*s == '<') fputs("&lt;", f);
        else if (*s == '>') fputs("&gt;", f);
        else if (*s == '&') fputs("&amp;", f);
        else fputc(*s, f);
    }
}

int dft_bands_svg(const char *path, const dft_params *p, const dft_result *r, const double *dist, const char **label)
{
    size_t n = (size_t)r->n_spin * r->n_kpt * r->n_band;
    double ef = r->fermi * LS_HARTREE_EV, lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        double e = r->eigenvalues[i] * LS_HARTREE_EV - ef;
        lo = fmin(lo, e), hi = fmax(hi, e);
    }
    double span = hi - lo > 1e-6 ? hi - lo : 1.0;
    double step = span <= 8 ? 1 : span <= 20 ? 2 : span <= 50 ? 5 : 10;
    lo = floor(lo / step) * step;
    hi = ceil(hi / step) * step;
    if (hi - lo < step) hi = lo + step;
    double xmax = dist[r->n_kpt - 1] > 0 ? dist[r->n_kpt - 1] : 1.0;
    double pw = W - LEFT - RIGHT, ph = H - TOP - BOTTOM;
#define X(d) (LEFT + (d) / xmax * pw)
#define Y(e) (TOP + (hi - (e)) / (hi - lo) * ph)
    FILE *f = fopen(path, "w");
    if (!f) LS_ERROR(LS_ERR_IO, "cannot write %s", path);
    char formula[128];
    ls_structure_formula(p->structure, 0, formula, sizeof formula);
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%g\" height=\"%g\" viewBox=\"0 0 %g %g\" "
               "font-family=\"sans-serif\" font-size=\"14\">\n", W, H, W, H);
    fprintf(f, "<rect width=\"%g\" height=\"%g\" fill=\"white\"/>\n", W, H);
    fprintf(f, "<text x=\"%g\" y=\"24\" text-anchor=\"middle\">%s band structure (Lodestone)</text>\n", W / 2, formula);
    for (double e = lo; e <= hi + 1e-9; e += step) { /* energy ticks */
        fprintf(f, "<line x1=\"%g\" y1=\"%.2f\" x2=\"%g\" y2=\"%.2f\" stroke=\"#ddd\"/>\n", LEFT, Y(e), W - RIGHT, Y(e));
        fprintf(f, "<text x=\"%g\" y=\"%.2f\" text-anchor=\"end\">%g</text>\n", LEFT - 6, Y(e) + 5, e);
    }
    fprintf(f, "<text x=\"18\" y=\"%g\" text-anchor=\"middle\" transform=\"rotate(-90 18 %g)\">E - E_F (eV)</text>\n",
            TOP + ph / 2, TOP + ph / 2);
    for (int ik = 0; ik < r->n_kpt; ik++) { /* the path's labels */
        if (!label[ik][0]) continue;
        fprintf(f, "<line x1=\"%.2f\" y1=\"%g\" x2=\"%.2f\" y2=\"%g\" stroke=\"#888\"/>\n", X(dist[ik]), TOP, X(dist[ik]),
                TOP + ph);
        fprintf(f, "<text x=\"%.2f\" y=\"%g\" text-anchor=\"middle\">", X(dist[ik]), TOP + ph + 20);
        xml_text(f, label[ik]);
        fputs("</text>\n", f);
    }
    if (0 >= lo && 0 <= hi)
        fprintf(f, "<line x1=\"%g\" y1=\"%.2f\" x2=\"%g\" y2=\"%.2f\" stroke=\"#c00\" stroke-dasharray=\"6,4\"/>\n", LEFT,
                Y(0.0), W - RIGHT, Y(0.0));
    static const char *const colour[2] = {"#1f4e9c", "#c05a00"};
    for (int is = 0; is < r->n_spin; is++)
        for (int ib = 0; ib < r->n_band; ib++) {
            fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"", colour[is]);
            for (int ik = 0; ik < r->n_kpt; ik++)
                fprintf(f, "%.2f,%.2f ", X(dist[ik]),
                        Y(r->eigenvalues[((size_t)is * r->n_kpt + ik) * r->n_band + ib] * LS_HARTREE_EV - ef));
            fputs("\"/>\n", f);
        }
    fprintf(f, "<rect x=\"%g\" y=\"%g\" width=\"%g\" height=\"%g\" fill=\"none\" stroke=\"black\"/>\n", LEFT, TOP, pw, ph);
    fputs("</svg>\n", f);
#undef X
#undef Y
    if (fclose(f) != 0) LS_ERROR(LS_ERR_IO, "cannot write %s", path);
    return LS_OK;
}
