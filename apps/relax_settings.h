/* `lodestone relax` (apps/cmd_relax.c): its settings -- Lodestone's defaults, then a pw.x relax /
 * vc-relax input's (the mapping of pw.x's convergence tests, docs/relax.md), then the command line,
 * each with where it came from -- the run's identity for its checkpoint (relax_settings.c), and
 * its reports: a line per step and the JSON (relax_report.c).  Internal to apps/. */
#ifndef LS_APPS_RELAX_SETTINGS_H
#define LS_APPS_RELAX_SETTINGS_H

#include <stddef.h>

#include "apps/cli.h"
#include "dft/dft.h"
#include "workflow/relax.h"

/* Where each setting came from: `from` for the JSON, `detail` (the pw.x key and value) for
 * the log. */
struct relax_origin {
    const char *from;
    char detail[96];
};
struct relax_origins {
    struct relax_origin cell, optimizer, fmax, stress_tol, pressure, energy_tol, steps;
};

/* The settings into cfg (its defaults already set): those of a pw.x relax / vc-relax input (req,
 * NULL for other inputs), then the options of `opts` given in `a`, each noted in o.  LS_ERR_USAGE
 * naming the option for values out of range or contradicting each other. */
int relax_settings_read(const struct cli_args *a, const struct cli_option *opts, const struct dft_relax_request *req,
                        struct ls_relax_config *cfg, struct relax_origins *o);
/* One log line: every setting and where it came from. */
void relax_settings_log(const struct ls_relax_config *cfg, const struct relax_origins *o);
/* "fixed", "relaxed" or "shape at fixed volume". */
const char *relax_cell_text(const struct ls_relax_config *cfg);
/* The run's identity: what a checkpoint must agree with to be continued (the input's content, the
 * potential's, the structure, the options that change the path). */
int relax_identity(const char *input, const char *model, const ls_structure *s, const struct ls_relax_config *cfg,
                   char *buf, size_t n);

/* One line per step on stdout (the observer of ls_relax_run; ctx: struct relax_step_log). */
struct relax_step_log {
    int relax_cell, enthalpy, quiet, header_done; /* enthalpy: a cell run under pressure */
};
int relax_log_step(void *ctx, const struct ls_relax_step *st);
/* The results as JSON ("-": stdout). */
int relax_write_json(const char *path, const char *input, const ls_structure *s, const struct ls_relax_result *res,
                     const struct ls_relax_config *cfg, const struct relax_origins *o, double wall_s);

#endif
