/* Simple 2-D plots as SVG 1.1 files, for reports (the campaign report): axes with round
 * ticks, lines, staircases and points (with hover titles), a legend.
 *
 *     ls_plot *p = NULL;
 *     LS_TRY(ls_plot_create("Best so far", "DFT evaluations", "mu0 Ms (T)", &p));
 *     ls_plot_step(p, "campaign", "#c0392b", 0, n, x, y);
 *     ls_plot_line(p, "random order (median)", "#888888", 1, n, x, yr);
 *     status = ls_plot_write(p, "best.svg");       atomically
 *     ls_plot_destroy(p);
 *
 * Why our own: a few hundred lines of plain SVG need no plotting program at run time (gnuplot
 * is optional for `lodestone eos`); the files open in any browser, as the HTML report embeds
 * them.  Non-finite values are skipped.
 */
#ifndef LS_SVG_PLOT_H
#define LS_SVG_PLOT_H

typedef struct ls_plot ls_plot;

int ls_plot_create(const char *title, const char *xlabel, const char *ylabel, ls_plot **out);
void ls_plot_destroy(ls_plot *p); /* accepts NULL */
/* Series (data copied).  color: an SVG colour ("#c0392b"); dashed: 1 for a dashed line. */
int ls_plot_line(ls_plot *p, const char *label, const char *color, int dashed, int n, const double *x, const double *y);
/* A staircase: y holds from x[i] to x[i+1] (best-so-far curves). */
int ls_plot_step(ls_plot *p, const char *label, const char *color, int dashed, int n, const double *x, const double *y);
/* Points with optional hover titles (tips may be NULL, or hold n strings). */
int ls_plot_points(ls_plot *p, const char *label, const char *color, int n, const double *x, const double *y,
                   const char *const *tips);
/* Fixed axis ranges (default: the data's, padded by 5 %). */
void ls_plot_xrange(ls_plot *p, double lo, double hi);
void ls_plot_yrange(ls_plot *p, double lo, double hi);
/* A dashed reference line y = x (parity plots). */
void ls_plot_diagonal(ls_plot *p);
int ls_plot_write(const ls_plot *p, const char *path);

#endif
