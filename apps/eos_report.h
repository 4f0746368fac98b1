/* The reports of `lodestone eos` (apps/cmd_eos.c) on the result of the library's equation of state
 * (workflow/eos.h): the summary table, JSON, CSV, extended-XYZ frames (apps/eos_report.c) and the
 * plot through gnuplot (apps/eos_plot.c).  Internal to apps/. */
#ifndef LS_APPS_EOS_REPORT_H
#define LS_APPS_EOS_REPORT_H

#include <stdio.h>

#include "workflow/eos.h"

/* The table of points and the fit, as text. */
void eos_print_summary(FILE *out, const struct ls_eos_result *r);
int eos_write_json(const char *path, const struct ls_eos_result *r); /* "-": stdout */
int eos_write_csv(const char *path, const struct ls_eos_result *r);
/* Append one extended-XYZ frame per converged volume (energy, forces, stress). */
int eos_append_xyz(const char *path, const struct ls_eos_result *r);
/* SVG or PNG by the extension, through gnuplot: writes PLOT-STEM.gp (the script with the data
 * in it) and runs gnuplot on it.  Without gnuplot (or if it fails) a warning says how to make
 * the image later; the run does not fail for it.  LS_ERR_IO only when the script cannot be
 * written. */
int eos_plot(const char *path, const struct ls_eos_result *r);

#endif
