/* The plot of `lodestone eos`: E - E0 (eV/atom) against V (Å^3/atom), the DFT points, the
 * fitted Birch-Murnaghan curve and V0, through gnuplot.
 *
 * The gnuplot script is written next to the image (PLOT-STEM.gp) with the data inside it
 * (datablocks, gnuplot >= 5.0), so that it can be rerun or edited; gnuplot then runs on it as a
 * child process (posix_spawnp, no shell).  A plot is a convenience: without gnuplot, or when it
 * fails, a warning says how to make the image later and the run goes on. */
#include <errno.h>
#include <math.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "apps/eos_report.h"
#include "common/err.h"
#include "common/log.h"
#include "common/textio.h"

extern char **environ;

/* A gnuplot single-quoted string: quotes doubled. */
static void gp_quoted(FILE *fp, const char *s)
{
    fputc('\'', fp);
    for (; *s; s++) {
        if (*s == '\'') fputc('\'', fp);
        fputc(*s, fp);
    }
    fputc('\'', fp);
}

/* A gnuplot double-quoted string (where \n is a line break): backslashes and quotes escaped. */
static void gp_dquoted(FILE *fp, const char *s)
{
    fputc('"', fp);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') fputc('\\', fp);
        if (*s == '\n') fputs("\\n", fp);
        else fputc(*s, fp);
    }
    fputc('"', fp);
}

static void write_script(FILE *fp, const char *image, const char *script, int png, const struct ls_eos_result *r)
{
    /* Energies relative to E0 of the fit, else to the lowest converged point. */
    double e_ref = INFINITY, v_lo = INFINITY, v_hi = -INFINITY;
    for (int i = 0; i < r->n; i++) {
        const struct ls_eos_point *p = &r->pt[i];
        if (!p->done) continue;
        v_lo = fmin(v_lo, ls_eos_volume_a3_per_atom(r, p));
        v_hi = fmax(v_hi, ls_eos_volume_a3_per_atom(r, p));
        if (p->converged) e_ref = fmin(e_ref, ls_eos_energy_ev_per_atom(r, p));
    }
    if (r->has_fit) e_ref = r->fit.e0;
    if (!isfinite(e_ref)) e_ref = 0.0;

    fprintf(fp, "# lodestone eos: energy against volume of %s (input %s).\n", r->formula, r->input);
    fprintf(fp, "# Make the image with: gnuplot %s\n", script);
    fprintf(fp, "set encoding utf8\n");
    if (png)
        fprintf(fp, "if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n"
                    "    set terminal pngcairo size 900,620 enhanced font 'sans,11' background rgb 'white'\n"
                    "} else {\n    set terminal png size 900,620 background rgb 'white'\n}\n");
    else
        fprintf(fp, "set terminal svg size 900,620 dynamic enhanced font 'sans,13' background rgb 'white'\n");
    fprintf(fp, "set output ");
    gp_quoted(fp, image);
    fprintf(fp, "\nset title ");
    char title[512];
    if (r->has_fit) {
        const struct ls_eos_bm3 *f = &r->fit;
        snprintf(title, sizeof title,
                 "%s, third-order Birch-Murnaghan fit\nV_0 = %.4f ± %.4f Å^3/atom,   B_0 = %.2f ± %.2f GPa,   "
                 "B_1 = %.3f ± %.3f",
                 r->formula, f->v0, f->v0_err, f->b0 * LS_EV_PER_A3_GPA, f->b0_err * LS_EV_PER_A3_GPA, f->b1, f->b1_err);
    } else {
        snprintf(title, sizeof title, "%s: no Birch-Murnaghan fit (too few converged volumes)", r->formula);
    }
    gp_dquoted(fp, title);
    fprintf(fp, "\nset xlabel 'volume (Å^3/atom)'\n");
    fprintf(fp, "set ylabel '%s (eV/atom)'\n", r->has_fit ? "E - E_0" : "E - E_{min}");
    fprintf(fp, "set grid\nset key top center\nset format y '%%.4f'\n");
    if (r->has_fit) {
        fprintf(fp, "V0 = %.10g\n", r->fit.v0);
        fprintf(fp, "set arrow 1 from V0, graph 0 to V0, graph 1 nohead dashtype 2 linecolor rgb '#7f8c8d'\n");
        fprintf(fp, "set label 1 sprintf('V_0 = %%.4f', V0) at V0, graph 0.6 offset 0.6, 0\n");
        fprintf(fp, "$fit << EOD\n");
        double pad = 0.02 * (v_hi - v_lo);
        for (int k = 0; k <= 200; k++) {
            double v = v_lo - pad + (v_hi - v_lo + 2 * pad) * k / 200.0;
            fprintf(fp, "%.8f %.10f\n", v, ls_eos_bm3_energy(&r->fit, v) - e_ref);
        }
        fprintf(fp, "EOD\n");
    }
    int n_bad = 0;
    fprintf(fp, "$dft << EOD\n# volume_A3_per_atom  energy_minus_reference_eV_per_atom  pressure_GPa\n");
    for (int i = 0; i < r->n; i++) {
        const struct ls_eos_point *p = &r->pt[i];
        if (!p->done) continue;
        if (!p->converged) {
            n_bad++;
            continue;
        }
        fprintf(fp, "%.8f %.10f %.6f\n", ls_eos_volume_a3_per_atom(r, p), ls_eos_energy_ev_per_atom(r, p) - e_ref,
                p->pressure_ha_bohr3 * LS_HA_BOHR3_GPA);
    }
    fprintf(fp, "EOD\n");
    if (n_bad) {
        fprintf(fp, "$failed << EOD\n");
        for (int i = 0; i < r->n; i++) {
            const struct ls_eos_point *p = &r->pt[i];
            if (p->done && !p->converged)
                fprintf(fp, "%.8f %.10f\n", ls_eos_volume_a3_per_atom(r, p), ls_eos_energy_ev_per_atom(r, p) - e_ref);
        }
        fprintf(fp, "EOD\n");
    }
    fprintf(fp, "plot ");
    if (r->has_fit) fprintf(fp, "$fit with lines linewidth 2 linecolor rgb '#c0392b' title 'Birch-Murnaghan fit', \\\n     ");
    fprintf(fp, "$dft using 1:2 with points pointtype 7 pointsize 1.3 linecolor rgb '#2c3e50' title 'DFT'");
    if (n_bad)
        fprintf(fp, ", \\\n     $failed with points pointtype 6 pointsize 1.5 linecolor rgb '#e67e22' "
                    "title 'SCF not converged (not fitted)'");
    fprintf(fp, "\n");
}

int eos_plot(const char *path, const struct ls_eos_result *r)
{
    int png = strcmp(ls_path_extension(path), "png") == 0;
    /* PLOT-STEM.gp beside the image. */
    char script[4096];
    const char *base = ls_path_basename(path);
    const char *dot = strrchr(base, '.');
    int len = dot && dot != base ? (int)(dot - path) : (int)strlen(path);
    snprintf(script, sizeof script, "%.*s.gp", len, path);

    char *buf = NULL;
    size_t n = 0;
    FILE *fp = open_memstream(&buf, &n);
    if (fp == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory writing %s", script);
    write_script(fp, path, script, png, r);
    if (fclose(fp) != 0) {
        free(buf);
        LS_ERROR(LS_ERR_IO, "cannot format the plot script %s", script);
    }
    int status = ls_file_write_atomic(script, buf, n);
    free(buf);
    LS_TRY(status);

    char *argv[] = {"gnuplot", script, NULL};
    pid_t pid;
    int err = posix_spawnp(&pid, "gnuplot", NULL, NULL, argv, environ);
    if (err != 0) {
        ls_log_warn("%s: cannot run gnuplot (%s): the plot script %s holds the data; make the image later with "
                    "'gnuplot %s' (Debian package gnuplot-nox)",
                    path, err == ENOENT ? "not installed or not on PATH" : strerror(err), script, script);
        return LS_OK;
    }
    int wstatus = 0;
    while (waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
    }
    struct stat st;
    if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0 || stat(path, &st) != 0 || st.st_size == 0) {
        ls_log_warn("%s: gnuplot failed on %s (%s %d; its messages are above): no image; the script is kept", path,
                    script, WIFEXITED(wstatus) ? "exit code" : "signal",
                    WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : WTERMSIG(wstatus));
        return LS_OK;
    }
    ls_log_info("plot: %s (gnuplot script %s)", path, script);
    return LS_OK;
}
