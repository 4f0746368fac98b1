/* The closed discovery loop: a resumable campaign of candidates -> surrogate screen ->
 * Bayesian batch -> DFT verification -> retraining, every result in an SQLite store with its
 * provenance.  The public interface of campaign/ (apps/cmd_campaign.c is its one caller).
 *
 *     struct campaign_run_options o;  campaign_run_options_default(&o);
 *     o.config_path = "magnets.yaml";  o.db_path = "magnets.db";
 *     struct campaign_outcome out;
 *     status = campaign_run(&o, &out);      LS_OK: budget spent / converged / stalled;
 *                                           LS_ERR_INTERRUPTED: a signal, state saved (exit 3)
 *
 * The store (schema, state machine, the `results` view) is documented in campaign/README.md;
 * the input file in docs/campaign.md.  Units: energies in eV per atom, moments in Bohr
 * magnetons, magnetisation mu0*Ms in tesla, temperatures in kelvin, as the names say (the
 * store is read by people and by other programs, so it holds reporting units).
 */
#ifndef LS_CAMPAIGN_H
#define LS_CAMPAIGN_H

#include <stdio.h>

struct campaign_run_options {
    const char *config_path; /* the campaign YAML file */
    const char *db_path;     /* the SQLite store: created, or resumed */
    int n_threads;           /* OpenMP threads of each DFT calculation (0: default) */
    int max_rounds;          /* stop after this many rounds in this run (0: no limit); a test hook */
    int verbose;             /* 1: the SCF and relaxation progress lines too */
    const char *program_version; /* recorded in the provenance of every result ("" if unknown) */
    const char *git_revision;
    /* The MPI task farm (campaign/farm.h): processes per group; 0: none in a one-process run,
     * one group of all processes under mpirun. */
    int group_size;
    /* Rounds: 0 synchronous (round r + 1 proposed from rounds 1..r only: a resumed or parallel
     * campaign proposes what a serial one would); 1 overlapping (the next batch proposed as soon
     * as a group or job slot is free, the evaluations still running as pending points); -1: the
     * default, overlapping in the task farm, synchronous otherwise. */
    int overlap;
};
void campaign_run_options_default(struct campaign_run_options *o);

/* Why a run ended (also the one-line verdict of `campaign status`). */
enum campaign_state {
    CAMPAIGN_RUNNING = 0,     /* more rounds to go (a run stopped by max_rounds) */
    CAMPAIGN_BUDGET,          /* the DFT budget or the wall-time budget is spent */
    CAMPAIGN_EXHAUSTED,       /* every candidate has been evaluated */
    CAMPAIGN_CONVERGED,       /* no candidate is expected to improve the best by the tolerance */
    CAMPAIGN_STALLED          /* no improvement for `stall_rounds` rounds, improvement still expected */
};
const char *campaign_state_name(enum campaign_state s);

struct campaign_outcome {
    enum campaign_state state;
    int n_rounds;            /* rounds completed, in total */
    int n_done, n_failed;    /* candidate evaluations */
    int n_evaluated_this_run;
    char verdict[256];       /* one line, for the log and `status` */
};

/* Create or resume the campaign of o->db_path.  Exit-code mapping as everywhere:
 * LS_ERR_INPUT (bad file, changed settings that would invalidate stored results, a foreign or
 * newer database: the database is left as it was), LS_ERR_IO (unwritable database),
 * LS_ERR_INTERRUPTED (SIGTERM/SIGINT: what was running is saved and resumes). */
int campaign_run(const struct campaign_run_options *o, struct campaign_outcome *out);

/* `campaign job`: the evaluation of candidate cand_id (the store's id) computed as a batch job
 * of launcher mode (campaign/launcher.h): each start's result file written into work_dir (the
 * campaign's DB.files folder), with the heartbeat and exit files of `tag` in work_dir/jobs/.
 * No database is opened.  LS_ERR_INPUT/USAGE for a bad file, candidate or tag. */
int campaign_job_run(const char *config_path, const char *work_dir, long long cand_id, const char *tag, int n_threads,
                     int verbose);

/* `campaign status`: counts per state, the best so far, running evaluations with their age,
 * rounds, and the verdict line, as text (or JSON when json = 1) on `fp`.  Read-only. */
int campaign_status_write(const char *db_path, FILE *fp, int json);

/* `campaign report`: DIR/report.md, DIR/report.html, the SVG plots in DIR, DIR/top/ (CIF and POSCAR of
 * the top candidates).  Read-only on the database. */
int campaign_report_write(const char *db_path, const char *out_dir);

/* `campaign export`: DIR/results.csv (the `results` view), DIR/evaluations.csv,
 * DIR/structures.xyz (relaxed structures, extended XYZ with energies, moments and ids),
 * DIR/frames.xyz (every labelled DFT frame).  Read-only on the database. */
int campaign_export_write(const char *db_path, const char *out_dir);

#endif
