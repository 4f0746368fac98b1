/* `campaign report`: a Markdown and an HTML report of a campaign with SVG plots (best so far
 * against DFT evaluations beside a random-order baseline, the Pareto front of mu0*Ms against
 * formation energy, the convex hulls of the binary systems, the surrogate's parity and
 * calibration), the ranked candidates, the failures, and CIF/POSCAR files of the top
 * candidates.  Read-only on the database.
 *
 * The random-order baseline: the best-so-far curve of the same evaluated candidates taken in
 * random order (median over 1000 shuffles, seeded): it tells whether the campaign's order
 * found the best ones early.  When the campaign evaluated every candidate, it is the
 * baseline of random search itself. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "campaign/campaign.h"
#include "campaign/report_impl.h"
#include "campaign/store.h"
#include "campaign/store_util.h"
#include "common/err.h"
#include "common/io.h"
#include "common/rng.h"
#include "common/svg_plot.h"
#include "common/textio.h"

/* Both documents at once: Markdown and HTML. */
struct doc {
    FILE *md, *html;
};

static void both(struct doc *d, const char *md, const char *html)
{
    fputs(md, d->md);
    fputs(html, d->html);
}

static void html_text(FILE *fp, const char *s)
{
    for (; s && *s; s++) {
        if (*s == '<') fputs("&lt;", fp);
        else if (*s == '>') fputs("&gt;", fp);
        else if (*s == '&') fputs("&amp;", fp);
        else fputc(*s, fp);
    }
}

static void para(struct doc *d, const char *text)
{
    fprintf(d->md, "%s\n\n", text);
    fputs("<p>", d->html);
    html_text(d->html, text);
    fputs("</p>\n", d->html);
}

static void heading(struct doc *d, const char *text)
{
    fprintf(d->md, "## %s\n\n", text);
    fputs("<h2>", d->html);
    html_text(d->html, text);
    fputs("</h2>\n", d->html);
}

static void figure(struct doc *d, const char *file, const char *caption)
{
    fprintf(d->md, "![%s](%s)\n\n*%s*\n\n", caption, file, caption);
    fprintf(d->html, "<figure><img src=\"%s\" alt=\"", file);
    html_text(d->html, caption);
    fputs("\"><figcaption>", d->html);
    html_text(d->html, caption);
    fputs("</figcaption></figure>\n", d->html);
}

/* ------------------------------------------------------------------ data */

struct row {
    long long cand, eval;
    char formula[32], proto[16], order[16], status[16], flagged[128], reason[256];
    double ms, m, ef, hull, tc, e, vol;
    int n_before;
    int feasible;
};

static int load_rows(campaign_store *st, const struct campaign_goals *g, struct row **rows, int *n)
{
    *rows = NULL;
    *n = 0;
    char feasible[1024], sql[2048];
    campaign_goals_feasible_sql(g, feasible, sizeof feasible);
    snprintf(sql, sizeof sql,
             "SELECT candidate_id, evaluation_id, formula, prototype, magnetic_order, status, flagged, reason, ms_tesla, "
             "moment_mub_per_atom, formation_energy_ev_per_atom, e_above_hull_ev_per_atom, tc_mean_field_k, "
             "energy_ev_per_atom, volume_a3_per_atom, n_dft_evaluations_before, coalesce(%s, 0) FROM results "
             "ORDER BY evaluation_id",
             feasible);
    long long total = 0;
    LS_TRY(ls_db_get_int(st->db, &total, NULL, "SELECT count(*) FROM results", NULL));
    *rows = calloc((size_t)(total ? total : 1), sizeof **rows);
    if (!*rows) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    ls_db_stmt *q = NULL;
    LS_TRY(ls_db_query(st->db, &q, sql, NULL));
    int row = 0, status = LS_OK;
    while ((status = ls_db_next(q, &row)) == LS_OK && row && *n < total) {
        struct row *r = &(*rows)[(*n)++];
        r->cand = ls_db_col_int(q, 0);
        r->eval = ls_db_col_int(q, 1);
        snprintf(r->formula, sizeof r->formula, "%s", ls_db_col_text(q, 2) ? ls_db_col_text(q, 2) : "");
        snprintf(r->proto, sizeof r->proto, "%s", ls_db_col_text(q, 3) ? ls_db_col_text(q, 3) : "");
        snprintf(r->order, sizeof r->order, "%s", ls_db_col_text(q, 4) ? ls_db_col_text(q, 4) : "");
        snprintf(r->status, sizeof r->status, "%s", ls_db_col_text(q, 5) ? ls_db_col_text(q, 5) : "");
        snprintf(r->flagged, sizeof r->flagged, "%s", ls_db_col_text(q, 6) ? ls_db_col_text(q, 6) : "");
        snprintf(r->reason, sizeof r->reason, "%s", ls_db_col_text(q, 7) ? ls_db_col_text(q, 7) : "");
        r->ms = ls_db_col_double(q, 8);
        r->m = ls_db_col_double(q, 9);
        r->ef = ls_db_col_double(q, 10);
        r->hull = ls_db_col_double(q, 11);
        r->tc = ls_db_col_double(q, 12);
        r->e = ls_db_col_double(q, 13);
        r->vol = ls_db_col_double(q, 14);
        r->n_before = (int)ls_db_col_int(q, 15);
        r->feasible = !strcmp(r->status, "done") && ls_db_col_int(q, 16);
    }
    ls_db_finalize(q);
    return status;
}

static double objective_of(const struct campaign_goals *g, const struct row *r)
{
    switch (g->obj[0].prop) {
    case CAMPAIGN_PROP_MS_TESLA: return r->ms;
    case CAMPAIGN_PROP_MOMENT_MUB_PER_ATOM: return r->m;
    case CAMPAIGN_PROP_FORMATION_EV_PER_ATOM: return r->ef;
    case CAMPAIGN_PROP_HULL_EV_PER_ATOM: return r->hull;
    case CAMPAIGN_PROP_TC_K: return r->tc;
    default: return NAN;
    }
}

/* Larger is better in the objective's own sense. */
static double score(const struct campaign_goals *g, const struct row *r)
{
    double v = objective_of(g, r);
    if (!r->feasible || !isfinite(v)) return -INFINITY;
    return g->obj[0].maximise ? v : -v;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* ------------------------------------------------------------------ plots */

static int plot_best_so_far(const char *path, const struct campaign_goals *g, const struct row *rows, int n)
{
    /* Evaluated search candidates in the order evaluated (evaluation id). */
    int m = 0;
    double *x = malloc((size_t)(n + 1) * sizeof *x), *y = malloc((size_t)(n + 1) * sizeof *y);
    double *s = malloc((size_t)(n + 1) * sizeof *s), *base = malloc((size_t)(n + 1) * sizeof *base);
    double *runs = malloc((size_t)1000 * sizeof *runs);
    if (!x || !y || !s || !base || !runs) {
        free(x), free(y), free(s), free(base), free(runs);
        LS_ERROR(LS_ERR_NOMEM, "out of memory");
    }
    double best = -INFINITY;
    for (int i = 0; i < n; i++) {
        if (strcmp(rows[i].status, "done") && strcmp(rows[i].status, "failed")) continue;
        s[m] = score(g, &rows[i]);
        if (s[m] > best) best = s[m];
        x[m] = m + 1;
        y[m] = isfinite(best) ? (g->obj[0].maximise ? best : -best) : NAN;
        m++;
    }
    /* Random order: median best-so-far over 1000 shuffles of the same scores. */
    double *perm = malloc((size_t)(m ? m : 1) * sizeof *perm);
    double **curves = malloc(1000 * sizeof *curves);
    int status = LS_OK;
    if (!perm || !curves) status = ls_error_set(LS_ERR_NOMEM, __FILE__, __LINE__, "out of memory");
    ls_rng rng;
    ls_rng_seed(&rng, 20261207);
    for (int r = 0; r < 1000 && status == LS_OK; r++) {
        curves[r] = malloc((size_t)(m ? m : 1) * sizeof **curves);
        if (!curves[r]) {
            status = ls_error_set(LS_ERR_NOMEM, __FILE__, __LINE__, "out of memory");
            for (int k = 0; k < r; k++) free(curves[k]);
            break;
        }
        memcpy(perm, s, (size_t)m * sizeof *perm);
        for (int i = m - 1; i > 0; i--) {
            long j = ls_rng_below(&rng, i + 1);
            double t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        double b = -INFINITY;
        for (int i = 0; i < m; i++) {
            if (perm[i] > b) b = perm[i];
            curves[r][i] = b;
        }
    }
    if (status == LS_OK) {
        for (int i = 0; i < m; i++) {
            for (int r = 0; r < 1000; r++) runs[r] = curves[r][i];
            qsort(runs, 1000, sizeof *runs, cmp_double);
            double med = 0.5 * (runs[499] + runs[500]);
            base[i] = isfinite(med) ? (g->obj[0].maximise ? med : -med) : NAN;
        }
        for (int r = 0; r < 1000; r++) free(curves[r]);
        ls_plot *p = NULL;
        char ylabel[128];
        snprintf(ylabel, sizeof ylabel, "best feasible %s (%s)", campaign_property_name(g->obj[0].prop),
                 campaign_property_unit(g->obj[0].prop));
        status = ls_plot_create("Best so far against DFT evaluations", "DFT evaluations (candidates verified)", ylabel, &p);
        if (status == LS_OK) status = ls_plot_step(p, "this campaign", "#c0392b", 0, m, x, y);
        if (status == LS_OK)
            status = ls_plot_step(p, "same candidates in random order (median of 1000)", "#7f8c8d", 1, m, x, base);
        if (status == LS_OK) status = ls_plot_write(p, path);
        ls_plot_destroy(p);
    }
    free(perm), free(curves), free(x), free(y), free(s), free(base), free(runs);
    return status;
}

static int plot_pareto(const char *path, const struct row *rows, int n)
{
    double *x = malloc((size_t)(n + 1) * sizeof *x), *y = malloc((size_t)(n + 1) * sizeof *y);
    double *fx = malloc((size_t)(n + 1) * sizeof *fx), *fy = malloc((size_t)(n + 1) * sizeof *fy);
    const char **tips = malloc((size_t)(n + 1) * sizeof *tips);
    char (*tipbuf)[96] = malloc((size_t)(n + 1) * sizeof *tipbuf);
    if (!x || !y || !fx || !fy || !tips || !tipbuf) {
        free(x), free(y), free(fx), free(fy), free(tips), free(tipbuf);
        LS_ERROR(LS_ERR_NOMEM, "out of memory");
    }
    ls_plot *p = NULL;
    int status = ls_plot_create("Magnetisation against stability", "formation energy (eV/atom)", "mu0 Ms (T)", &p);
    for (int pass = 0; pass < 2 && status == LS_OK; pass++) {
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (strcmp(rows[i].status, "done") || rows[i].feasible != (pass == 1)) continue;
            x[m] = rows[i].ef;
            y[m] = rows[i].ms;
            snprintf(tipbuf[m], sizeof tipbuf[m], "%s %s: %.3f T, %+.3f eV/atom", rows[i].proto, rows[i].formula,
                     rows[i].ms, rows[i].ef);
            tips[m] = tipbuf[m];
            m++;
        }
        status = ls_plot_points(p, pass ? "feasible (constraints met)" : "not feasible", pass ? "#2471a3" : "#bbbbbb", m,
                                x, y, tips);
    }
    /* The Pareto front: maximise Ms, minimise Ef, over every done candidate. */
    int nf = 0;
    for (int i = 0; i < n; i++) {
        if (strcmp(rows[i].status, "done") || !isfinite(rows[i].ef) || !isfinite(rows[i].ms)) continue;
        int dominated = 0;
        for (int j = 0; j < n && !dominated; j++) {
            if (j == i || strcmp(rows[j].status, "done") || !isfinite(rows[j].ef) || !isfinite(rows[j].ms)) continue;
            dominated = rows[j].ef <= rows[i].ef && rows[j].ms >= rows[i].ms &&
                        (rows[j].ef < rows[i].ef || rows[j].ms > rows[i].ms);
        }
        if (!dominated) {
            fx[nf] = rows[i].ef;
            fy[nf++] = rows[i].ms;
        }
    }
    /* Sort the front by formation energy for the line. */
    for (int i = 0; i < nf; i++)
        for (int j = i + 1; j < nf; j++)
            if (fx[j] < fx[i]) {
                double t = fx[i];
                fx[i] = fx[j];
                fx[j] = t;
                t = fy[i];
                fy[i] = fy[j];
                fy[j] = t;
            }
    if (status == LS_OK) status = ls_plot_line(p, "Pareto front", "#c0392b", 1, nf, fx, fy);
    if (status == LS_OK) status = ls_plot_write(p, path);
    ls_plot_destroy(p);
    free(x), free(y), free(fx), free(fy), free(tips), free(tipbuf);
    return status;
}

/* Convex hulls of the binary systems with the most computed phases. */
static int plot_hulls(campaign_store *st, const char *dir, struct doc *d, int *n_plots)
{
    *n_plots = 0;
    ls_db_stmt *q = NULL;
    /* Binary systems (pairs of elements) with their done compounds, most phases first. */
    LS_TRY(ls_db_query(st->db, &q,
                       "SELECT group_concat(symbol, '-') AS sys, count(*) FROM (SELECT e.id AS eid, "
                       "(SELECT group_concat(symbol, '-') FROM (SELECT symbol FROM candidate_element ce WHERE "
                       "ce.candidate_id = e.candidate_id ORDER BY symbol)) AS symbol FROM evaluation e JOIN result r ON "
                       "r.evaluation_id = e.id JOIN candidate c ON c.id = e.candidate_id WHERE c.role = 'search' AND "
                       "(SELECT count(*) FROM candidate_element ce WHERE ce.candidate_id = e.candidate_id) = 2) GROUP BY "
                       "symbol ORDER BY count(*) DESC, symbol LIMIT 4",
                       NULL));
    char systems[4][16];
    int ns = 0, row = 0, status = LS_OK;
    while ((status = ls_db_next(q, &row)) == LS_OK && row && ns < 4) {
        /* group_concat of one value per group: the system "Co-Fe" repeated; keep the first. */
        snprintf(systems[ns], sizeof systems[ns], "%.5s", ls_db_col_text(q, 0));
        char *dash = strchr(systems[ns], '-');
        if (dash && strchr(dash + 1, '-')) *strchr(dash + 1, '-') = 0;
        ns++;
    }
    ls_db_finalize(q);
    if (status != LS_OK) return status;
    for (int k = 0; k < ns && status == LS_OK; k++) {
        char a[4] = "", b[4] = "";
        sscanf(systems[k], "%3[^-]-%3s", a, b);
        /* Phases of the system: x_b, formation energy, hull distance, name. */
        double xs[256], fs[256], hx[256], hy[256];
        const char *tips[256];
        char tipbuf[256][64];
        int m = 0;
        LS_TRY(ls_db_query(st->db, &q,
                           "SELECT coalesce((SELECT fraction FROM candidate_element WHERE candidate_id = c.id AND symbol = "
                           "?2), 0), dv.formation_energy_ev_per_atom, dv.e_above_hull_ev_per_atom, c.name FROM evaluation e "
                           "JOIN candidate c ON c.id = e.candidate_id JOIN derived dv ON dv.evaluation_id = e.id WHERE "
                           "NOT EXISTS (SELECT 1 FROM candidate_element ce WHERE ce.candidate_id = c.id AND ce.symbol NOT IN "
                           "(?1, ?2)) ORDER BY 1",
                           "ss", a, b));
        int nh = 0;
        while ((status = ls_db_next(q, &row)) == LS_OK && row && m < 256) {
            xs[m] = ls_db_col_double(q, 0);
            fs[m] = ls_db_col_double(q, 1);
            snprintf(tipbuf[m], sizeof tipbuf[m], "%s: %+.3f eV/atom, %.3f above the hull", ls_db_col_text(q, 3), fs[m],
                     ls_db_col_double(q, 2));
            tips[m] = tipbuf[m];
            if (ls_db_col_double(q, 2) < 1e-9 && isfinite(fs[m])) {
                hx[nh] = xs[m];
                hy[nh++] = fs[m];
            }
            m++;
        }
        ls_db_finalize(q);
        q = NULL;
        if (status != LS_OK) break;
        char title[64], xl[64], file[64], path[4200];
        snprintf(title, sizeof title, "Convex hull %s-%s", a, b);
        snprintf(xl, sizeof xl, "fraction of %s", b);
        snprintf(file, sizeof file, "hull-%s-%s.svg", a, b);
        snprintf(path, sizeof path, "%s/%s", dir, file);
        ls_plot *p = NULL;
        status = ls_plot_create(title, xl, "formation energy (eV/atom)", &p);
        if (status == LS_OK) status = ls_plot_points(p, "computed phases", "#2471a3", m, xs, fs, tips);
        if (status == LS_OK) status = ls_plot_line(p, "hull", "#c0392b", 0, nh, hx, hy);
        if (status == LS_OK) {
            ls_plot_xrange(p, -0.02, 1.02);
            status = ls_plot_write(p, path);
        }
        ls_plot_destroy(p);
        if (status == LS_OK) {
            char cap[128];
            snprintf(cap, sizeof cap, "Formation energies and convex hull of %s-%s (the campaign's computed phases)", a, b);
            figure(d, file, cap);
            (*n_plots)++;
        }
    }
    return status;
}

/* Parity and calibration of the surrogate's formation energies against DFT. */
static int plot_surrogate(campaign_store *st, const char *dir, struct doc *d)
{
    ls_db_stmt *q = NULL;
    LS_TRY(ls_db_query(st->db, &q,
                       "SELECT p.formation_energy_ev_per_atom, p.spread_ev_per_atom, r.formation_energy_ev_per_atom, "
                       "r.formula, r.prototype FROM prediction p JOIN results r ON r.candidate_id = p.candidate_id "
                       "WHERE r.status = 'done' AND p.round_id = r.round ORDER BY r.evaluation_id",
                       NULL));
    double pred[4096], dft[4096], spread[4096];
    int n = 0, row = 0, status = LS_OK;
    while ((status = ls_db_next(q, &row)) == LS_OK && row && n < 4096) {
        pred[n] = ls_db_col_double(q, 0);
        spread[n] = ls_db_col_double(q, 1);
        dft[n] = ls_db_col_double(q, 2);
        if (isfinite(pred[n]) && isfinite(dft[n])) n++;
    }
    ls_db_finalize(q);
    if (status != LS_OK) return status;
    if (n == 0) {
        para(d, "No surrogate predictions were made before a DFT result in this campaign (the surrogate is off, or "
                "no model had been trained yet), so there is no parity or calibration plot.");
        return LS_OK;
    }
    char path[4200];
    ls_plot *p = NULL;
    snprintf(path, sizeof path, "%s/surrogate-parity.svg", dir);
    LS_TRY(ls_plot_create("Surrogate against DFT (predictions made before the DFT result)",
                          "DFT formation energy (eV/atom)", "surrogate formation energy (eV/atom)", &p));
    ls_plot_diagonal(p);
    status = ls_plot_points(p, "candidates", "#2471a3", n, dft, pred, NULL);
    if (status == LS_OK) status = ls_plot_write(p, path);
    ls_plot_destroy(p);
    if (status != LS_OK) return status;
    figure(d, "surrogate-parity.svg", "Parity of the surrogate's formation energies against DFT");
    /* Calibration: fraction of errors within k spreads, against the Gaussian expectation. */
    double ks[21], frac[21], gauss[21];
    for (int i = 0; i <= 20; i++) {
        ks[i] = 0.15 * i;
        int in = 0;
        for (int j = 0; j < n; j++) in += fabs(pred[j] - dft[j]) <= ks[i] * spread[j];
        frac[i] = (double)in / n;
        gauss[i] = erf(ks[i] / M_SQRT2);
    }
    snprintf(path, sizeof path, "%s/surrogate-calibration.svg", dir);
    LS_TRY(ls_plot_create("Calibration of the ensemble spread", "k (multiples of the predicted spread)",
                          "fraction of errors within k spreads", &p));
    status = ls_plot_line(p, "observed", "#c0392b", 0, 21, ks, frac);
    if (status == LS_OK) status = ls_plot_line(p, "Gaussian expectation", "#7f8c8d", 1, 21, ks, gauss);
    if (status == LS_OK) {
        ls_plot_yrange(p, 0, 1);
        status = ls_plot_write(p, path);
    }
    ls_plot_destroy(p);
    if (status == LS_OK)
        figure(d, "surrogate-calibration.svg",
               "Calibration: the fraction of formation-energy errors within k predicted spreads (a calibrated spread "
               "follows the Gaussian curve)");
    return status;
}

/* ------------------------------------------------------------------ tables and files */

static void table_row(struct doc *d, int header, int n_col, const char *const *cells)
{
    fputs("|", d->md);
    for (int c = 0; c < n_col; c++) fprintf(d->md, " %s |", cells[c]);
    fputs("\n", d->md);
    if (header) {
        fputs("|", d->md);
        for (int c = 0; c < n_col; c++) fputs("---|", d->md);
        fputs("\n", d->md);
    }
    fputs("<tr>", d->html);
    for (int c = 0; c < n_col; c++) {
        fputs(header ? "<th>" : "<td>", d->html);
        html_text(d->html, cells[c]);
        fputs(header ? "</th>" : "</td>", d->html);
    }
    fputs("</tr>\n", d->html);
}

static int write_top_structures(campaign_store *st, const char *dir, const struct row *rows, const int *rank, int n_top)
{
    char top[4200];
    snprintf(top, sizeof top, "%s/top", dir);
    LS_TRY(campaign_make_dir(top));
    int status = LS_OK;
    for (int k = 0; k < n_top && status == LS_OK; k++) {
        const struct row *r = &rows[rank[k]];
        char xyz[65536] = "";
        int found = 0;
        LS_TRY(ls_db_get_text(st->db, xyz, sizeof xyz, &found,
                              "SELECT d.structure_xyz FROM result x JOIN dft_run d ON d.id = x.dft_run_id WHERE "
                              "x.evaluation_id = ?1",
                              "i", r->eval));
        if (!found) continue;
        ls_structure *s = NULL;
        LS_TRY(campaign_structure_from_xyz(xyz, st->path, &s));
        char base[4300];
        snprintf(base, sizeof base, "%s/%d-%s-%s", top, k + 1, r->proto, r->formula);
        char path[4400];
        snprintf(path, sizeof path, "%s.cif", base);
        status = ls_structure_write(path, LS_FORMAT_CIF, s);
        if (status == LS_OK) {
            snprintf(path, sizeof path, "%s.vasp", base);
            status = ls_structure_write(path, LS_FORMAT_POSCAR, s);
        }
        ls_structure_destroy(s);
    }
    return status;
}

int campaign_report_write(const char *db_path, const char *out_dir)
{
    campaign_store *st = NULL;
    LS_TRY(campaign_store_open(db_path, 1, &st));
    struct row *rows = NULL;
    int n = 0, *rank = NULL;
    char *md_buf = NULL, *html_buf = NULL;
    size_t md_len = 0, html_len = 0;
    struct doc d = {NULL, NULL};
    struct campaign_goals g;
    int status = campaign_make_dir(out_dir);
    if (status != LS_OK) goto done;
    LS_TRY_GOTO(status, campaign_store_goals(st, &g), done);
    LS_TRY_GOTO(status, load_rows(st, &g, &rows, &n), done);
    d.md = open_memstream(&md_buf, &md_len);
    d.html = open_memstream(&html_buf, &html_len);
    if (!d.md || !d.html) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    char name[128] = "", created[32] = "", version[64] = "";
    int found = 0;
    ls_db_get_text(st->db, name, sizeof name, &found, "SELECT name FROM campaign", NULL);
    ls_db_get_text(st->db, created, sizeof created, &found, "SELECT created_utc FROM campaign", NULL);
    ls_db_get_text(st->db, version, sizeof version, &found, "SELECT program_version || ' (git ' || git_revision || ')' FROM campaign", NULL);
    fprintf(d.md, "# Campaign report: %s\n\n", name);
    fputs("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Campaign report</title><style>"
          "body{font-family:sans-serif;max-width:980px;margin:2em auto;color:#222}table{border-collapse:collapse;"
          "font-size:13px}td,th{border:1px solid #ccc;padding:3px 7px;text-align:right}th{background:#f2f2f2}"
          "figure{margin:1em 0}img{max-width:100%;border:1px solid #eee}figcaption{font-style:italic;font-size:13px}"
          "</style></head><body>\n<h1>Campaign report: ",
          d.html);
    html_text(d.html, name);
    fputs("</h1>\n", d.html);
    int n_done = 0, n_failed = 0, n_feasible = 0, n_open = 0;
    for (int i = 0; i < n; i++) {
        n_done += !strcmp(rows[i].status, "done");
        n_failed += !strcmp(rows[i].status, "failed");
        n_feasible += rows[i].feasible;
        n_open += strcmp(rows[i].status, "done") && strcmp(rows[i].status, "failed");
    }
    long long n_cand = 0;
    ls_db_get_int(st->db, &n_cand, NULL, "SELECT count(*) FROM candidate WHERE role = 'search'", NULL);
    char text[1024];
    snprintf(text, sizeof text,
             "Database %s, created %s by lodestone %s. %lld candidates; %d verified by DFT, %d failed, %d in progress; "
             "%d meet the constraints. Budget: %d DFT evaluations.",
             db_path, created, version, n_cand, n_done, n_failed, n_open, n_feasible, g.budget);
    para(&d, text);
    {
        size_t len = (size_t)snprintf(text, sizeof text, "Objective: %s %s (%s).", g.obj[0].maximise ? "maximise" : "minimise",
                                      campaign_property_name(g.obj[0].prop), campaign_property_unit(g.obj[0].prop));
        for (int k = 0; k < g.n_con && len < sizeof text; k++)
            len += (size_t)snprintf(text + len, sizeof text - len, " Constraint: %s %s %g %s.",
                                    campaign_property_name(g.con[k].prop), g.con[k].upper ? "<=" : ">=", g.con[k].bound,
                                    campaign_property_unit(g.con[k].prop));
        para(&d, text);
    }
    heading(&d, "Discovery");
    char path[4200];
    snprintf(path, sizeof path, "%s/best-so-far.svg", out_dir);
    LS_TRY_GOTO(status, plot_best_so_far(path, &g, rows, n), done);
    figure(&d, "best-so-far.svg",
           "Best feasible value against the number of DFT evaluations, beside the same candidates in random order");
    snprintf(path, sizeof path, "%s/pareto.svg", out_dir);
    LS_TRY_GOTO(status, plot_pareto(path, rows, n), done);
    figure(&d, "pareto.svg", "mu0*Ms against formation energy; the dashed line is the Pareto front");
    heading(&d, "Stability");
    int n_hull = 0;
    LS_TRY_GOTO(status, plot_hulls(st, out_dir, &d, &n_hull), done);
    if (!n_hull) para(&d, "No binary system has a computed compound yet.");
    heading(&d, "Surrogate");
    LS_TRY_GOTO(status, plot_surrogate(st, out_dir, &d), done);
    /* Ranking: feasible first by the objective, then the other done ones. */
    heading(&d, "Ranked candidates");
    rank = malloc((size_t)(n ? n : 1) * sizeof *rank);
    if (!rank) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    int nr = 0;
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < n; i++)
            if (!strcmp(rows[i].status, "done") && rows[i].feasible == (pass == 0)) rank[nr++] = i;
    /* Insertion sort by the objective within each class (stable). */
    for (int i = 1; i < nr; i++) {
        int v = rank[i], j = i - 1;
        double sv = objective_of(&g, &rows[v]) * (g.obj[0].maximise ? 1 : -1);
        while (j >= 0 && rows[rank[j]].feasible == rows[v].feasible &&
               objective_of(&g, &rows[rank[j]]) * (g.obj[0].maximise ? 1 : -1) < sv) {
            rank[j + 1] = rank[j];
            j--;
        }
        rank[j + 1] = v;
    }
    fputs("<table>\n", d.html);
    const char *head[] = {"rank", "formula", "prototype", "order", "mu0Ms (T)", "m (muB/atom)", "Ef (eV/atom)",
                          "hull (eV/atom)", "Tc mean field (K)", "feasible", "flagged", "DFT evals before"};
    table_row(&d, 1, 12, head);
    for (int k = 0; k < nr && k < 50; k++) {
        const struct row *r = &rows[rank[k]];
        char c[12][64];
        snprintf(c[0], 64, "%d", k + 1);
        snprintf(c[1], 64, "%s", r->formula);
        snprintf(c[2], 64, "%s", r->proto);
        snprintf(c[3], 64, "%s", r->order);
        snprintf(c[4], 64, "%.3f", r->ms);
        snprintf(c[5], 64, "%.3f", r->m);
        snprintf(c[6], 64, "%+.3f", r->ef);
        snprintf(c[7], 64, "%.3f", r->hull);
        if (isfinite(r->tc)) snprintf(c[8], 64, "%.0f", r->tc);
        else snprintf(c[8], 64, "-");
        snprintf(c[9], 64, "%s", r->feasible ? "yes" : "no");
        snprintf(c[10], 64, "%.63s", r->flagged[0] ? r->flagged : "-");
        snprintf(c[11], 64, "%d", r->n_before);
        const char *cells[12];
        for (int q = 0; q < 12; q++) cells[q] = c[q];
        table_row(&d, 0, 12, cells);
    }
    fputs("</table>\n", d.html);
    fputs("\n", d.md);
    int n_top = 0;
    while (n_top < nr && n_top < 5 && rows[rank[n_top]].feasible) n_top++;
    LS_TRY_GOTO(status, write_top_structures(st, out_dir, rows, rank, n_top), done);
    snprintf(text, sizeof text, "The relaxed structures of the %d best feasible candidates are in top/ (CIF and POSCAR).",
             n_top);
    para(&d, text);
    if (n_failed) {
        heading(&d, "Failed evaluations");
        fputs("<table>\n", d.html);
        const char *fh[] = {"formula", "prototype", "reason"};
        table_row(&d, 1, 3, fh);
        for (int i = 0; i < n; i++) {
            if (strcmp(rows[i].status, "failed")) continue;
            const char *cells[3] = {rows[i].formula, rows[i].proto, rows[i].reason};
            table_row(&d, 0, 3, cells);
        }
        fputs("</table>\n", d.html);
        fputs("\n", d.md);
    }
    both(&d, "", "</body></html>\n");
    fclose(d.md);
    fclose(d.html);
    d.md = d.html = NULL;
    snprintf(path, sizeof path, "%s/report.md", out_dir);
    LS_TRY_GOTO(status, ls_file_write_atomic(path, md_buf, md_len), done);
    snprintf(path, sizeof path, "%s/report.html", out_dir);
    LS_TRY_GOTO(status, ls_file_write_atomic(path, html_buf, html_len), done);
done:
    if (d.md) fclose(d.md);
    if (d.html) fclose(d.html);
    free(md_buf), free(html_buf), free(rows), free(rank);
    campaign_store_close(st);
    return status;
}
