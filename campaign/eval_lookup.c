/* The lookup evaluator: the result of the same input (its SHA-256, campaign_run_hash) taken
 * from another campaign's database, typically an exhaustive screen.  This replays campaigns
 * with other seeds or strategies against one set of DFT results without new DFT, which is how
 * discovery efficiency is measured (validation/campaign/).  The input hash covers the
 * structure, the magnetic start, the DFT protocol and the pseudopotentials, so a result is
 * taken only for exactly the calculation that would have been run.  Several databases (an
 * exhaustive screen computed in parts) are searched in the order given.  The relaxed cell comes
 * back from the stored extended XYZ (angstrom): its volume, hence Ms, can differ from the
 * original run's in the last bit. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "campaign/evaluator.h"
#include "campaign/store_util.h"
#include "common/db.h"
#include "common/err.h"

/* Numbers of a JSON array "[1.0, -2.5]" into v (at most n); the count read. */
static int parse_numbers(const char *text, double *v, int n)
{
    int k = 0;
    const char *p = text ? strchr(text, '[') : NULL;
    while (p && k < n) {
        p++;
        char *end = NULL;
        double x = strtod(p, &end);
        if (end == p) break;
        v[k++] = x;
        p = strchr(end, ',');
    }
    return k;
}

/* The run of input in->input_sha256 in database `path`, if it holds one (*found). */
static int lookup_in(const char *path, const struct campaign_eval_input *in, struct campaign_eval_output *out,
                     int *found)
{
    *found = 0;
    ls_db *db = NULL;
    LS_TRY(ls_db_open(path, LS_DB_READONLY, &db));
    int status = ls_db_check_schema(db, LS_DB_APP_ID_CAMPAIGN, "campaign database", CAMPAIGN_SCHEMA_VERSION);
    ls_db_stmt *q = NULL;
    if (status != LS_OK) goto done;
    LS_TRY_GOTO(status,
                ls_db_query(db, &q,
                            "SELECT d.state, d.reason, d.energy_ev, d.total_moment_mub, d.abs_moment_mub, "
                            "d.moments_start_mub, d.moments_final_mub, d.structure_xyz, d.n_relax_steps, "
                            "d.relax_converged, d.max_force_ev_a, d.pressure_gpa, d.scf_retries, d.wall_s, d.cpu_s, "
                            "p.settings, p.pseudopotentials FROM dft_run d LEFT JOIN provenance p ON p.dft_run_id = d.id "
                            "WHERE d.input_sha256 = ?1 AND d.state IN ('done', 'failed') ORDER BY d.id LIMIT 1",
                            "s", in->input_sha256),
                done);
    int row = 0;
    LS_TRY_GOTO(status, ls_db_next(q, &row), done);
    if (!row) goto done;
    *found = 1;
    int n = in->cand->s->n_atom;
    out->n_atom = n;
    out->ok = !strcmp(ls_db_col_text(q, 0), "done");
    snprintf(out->reason, sizeof out->reason, "%s", ls_db_col_text(q, 1) ? ls_db_col_text(q, 1) : "");
    parse_numbers(ls_db_col_text(q, 5), out->moments_start_mub, n);
    out->scf_retries = (int)ls_db_col_int(q, 12);
    out->wall_s = ls_db_col_double(q, 13);
    out->cpu_s = ls_db_col_double(q, 14);
    /* The settings of the run that was looked up (the database is named in the provenance's
     * calculator column). */
    snprintf(out->settings, sizeof out->settings, "%s", ls_db_col_text(q, 15) ? ls_db_col_text(q, 15) : "");
    snprintf(out->pseudopotentials, sizeof out->pseudopotentials, "%s",
             ls_db_col_text(q, 16) ? ls_db_col_text(q, 16) : "{}");
    if (out->ok) {
        out->energy_ev = ls_db_col_double(q, 2);
        out->total_moment_mub = ls_db_col_double(q, 3);
        out->abs_moment_mub = ls_db_col_double(q, 4);
        if (parse_numbers(ls_db_col_text(q, 6), out->moments_mub, n) != n)
            LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "%s: run of input %.16s has no per-atom moments", path,
                          in->input_sha256);
        LS_TRY_GOTO(status, campaign_structure_from_xyz(ls_db_col_text(q, 7), path, &out->relaxed), done);
        out->n_relax_steps = (int)ls_db_col_int(q, 8);
        out->relax_converged = (int)ls_db_col_int(q, 9);
        out->max_force_ev_a = ls_db_col_double(q, 10);
        out->pressure_gpa = ls_db_col_double(q, 11);
    }
done:
    ls_db_finalize(q);
    ls_db_close(db);
    if (status != LS_OK) campaign_eval_output_clear(out);
    return status;
}

static int lookup_evaluate(const struct campaign_eval_input *in, struct campaign_eval_output *out)
{
    memset(out, 0, sizeof *out);
    const struct campaign_config *cfg = in->cfg;
    for (int i = 0; i < cfg->n_lookup_db; i++) {
        int found = 0;
        LS_TRY(lookup_in(cfg->lookup_db[i], in, out, &found));
        if (found) return LS_OK;
    }
    LS_ERROR(LS_ERR_INPUT,
             "%s%s: no result for %s, %s start (input %.16s...): the lookup database%s must hold every run this "
             "campaign asks for (the same candidates, DFT protocol and pseudopotentials)",
             cfg->lookup_db[0], cfg->n_lookup_db > 1 ? " and the other lookup databases" : "", in->cand->name,
             campaign_order_name(in->start->order), in->input_sha256, cfg->n_lookup_db > 1 ? "s" : "");
}

const struct campaign_evaluator campaign_eval_lookup = {"lookup", lookup_evaluate};
