/* lodestone campaign run | status | report | export: the closed discovery loop
 * (campaign/campaign.h).  Parses, calls one library function, reports. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apps/cli.h"
#include "campaign/campaign.h"
#include "common/err.h"
#include "common/log.h"
#include "common/parallel.h"

static const struct cli_option run_opts[] = {
    {"db", 0, CLI_VALUE, "FILE", "the campaign database (SQLite; created, or resumed)"},
    {"threads", 't', CLI_VALUE, "N", "OpenMP threads of each DFT calculation (default: all cores)"},
    {"max-rounds", 0, CLI_VALUE, "N", "stop after N rounds in this run (resume later)"},
    {"group-size", 'g', CLI_VALUE, "G", "under mpirun: processes per DFT evaluation (default: all of them in one group)"},
    {"rounds", 0, CLI_VALUE, "MODE", "sync (each batch proposed from finished rounds only) or overlap (the next batch as "
                                     "soon as a group is free); default: overlap in an MPI task farm, else sync"},
    {"verbose", 'v', CLI_FLAG, NULL, "also the relaxation steps of every DFT run"},
    {NULL, 0, 0, NULL, NULL},
};
static const struct cli_option job_opts[] = {
    {"work", 0, CLI_VALUE, "DIR", "the campaign's DB.files folder (results are written there)"},
    {"candidate", 0, CLI_VALUE, "ID", "the candidate's id in the database"},
    {"tag", 0, CLI_VALUE, "TAG", "the job's name (heartbeat and exit files DIR/jobs/TAG.*)"},
    {"threads", 't', CLI_VALUE, "N", "OpenMP threads of each DFT calculation (default: all cores)"},
    {"verbose", 'v', CLI_FLAG, NULL, "also the relaxation steps of every DFT run"},
    {NULL, 0, 0, NULL, NULL},
};
static const struct cli_option status_opts[] = {
    {"db", 0, CLI_VALUE, "FILE", "the campaign database"},
    {"json", 0, CLI_FLAG, NULL, "machine-readable output"},
    {NULL, 0, 0, NULL, NULL},
};
static const struct cli_option out_opts[] = {
    {"db", 0, CLI_VALUE, "FILE", "the campaign database"},
    {"out", 'o', CLI_VALUE, "DIR", "output folder (created)"},
    {NULL, 0, 0, NULL, NULL},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: lodestone campaign run FILE.yaml --db FILE.db [--threads N] [--max-rounds N] [--verbose]\n"
               "       mpirun -np N lodestone campaign run FILE.yaml --db FILE.db --group-size G [--rounds sync|overlap]\n"
               "       lodestone campaign job FILE.yaml --work DIR --candidate ID --tag TAG [--threads N]\n"
               "       lodestone campaign status --db FILE.db [--json]\n"
               "       lodestone campaign report --db FILE.db --out DIR\n"
               "       lodestone campaign export --db FILE.db --out DIR\n\n"
               "The closed discovery loop for rare-earth-free permanent magnets: candidates from prototypes,\n"
               "a surrogate screen, Bayesian batches, DFT verification and retraining, every result in an\n"
               "SQLite database with its provenance.  'run' creates the database or resumes it after any\n"
               "crash (nothing done is repeated).  The input file: docs/campaign.md.  The database: the view\n"
               "'results' (campaign/README.md).  Exit codes: 0 finished (budget, converged, stalled or all\n"
               "candidates evaluated), 1 failed computation, 2 bad input, 3 stopped by a signal (run again).\n");
}

static int need_db(const struct cli_args *a, const struct cli_option *o, const char **db)
{
    *db = cli_get(a, o, "db");
    if (!*db) LS_ERROR(LS_ERR_USAGE, "--db FILE is required (the campaign database)");
    return LS_OK;
}

static int sub_run(int argc, char **argv)
{
    struct cli_args a;
    LS_TRY(cli_parse(argc, argv, run_opts, &a));
    if (a.help) {
        cli_print_help("campaign run", "FILE.yaml --db FILE.db", "Create or resume a campaign.", run_opts);
        return LS_OK;
    }
    if (a.n_pos != 1) LS_ERROR(LS_ERR_USAGE, "campaign run needs one campaign file (FILE.yaml)");
    struct campaign_run_options o;
    campaign_run_options_default(&o);
    o.config_path = a.pos[0];
    LS_TRY(need_db(&a, run_opts, &o.db_path));
    long threads = 0, max_rounds = 0, group = 0;
    if (cli_get(&a, run_opts, "group-size"))
        LS_TRY(cli_get_int_range(&a, run_opts, "group-size", 0, 1, 1000000, "processes", &group));
    o.group_size = (int)group;
    const char *rounds = cli_get(&a, run_opts, "rounds");
    if (rounds && strcmp(rounds, "sync") && strcmp(rounds, "overlap"))
        LS_ERROR(LS_ERR_USAGE, "--rounds %s: give sync or overlap", rounds);
    if (rounds) o.overlap = !strcmp(rounds, "overlap");
    LS_TRY(cli_get_int(&a, run_opts, "threads", 0, &threads));
    LS_TRY(cli_get_int(&a, run_opts, "max-rounds", 0, &max_rounds));
    if (threads < 0 || threads > 4096) LS_ERROR(LS_ERR_USAGE, "--threads %ld: give 1..4096 (0: all cores)", threads);
    if (max_rounds < 0 || max_rounds > 1000000)
        LS_ERROR(LS_ERR_USAGE, "--max-rounds %ld: give 1..1000000 (0: no limit)", max_rounds);
    o.n_threads = (int)threads;
    o.max_rounds = (int)max_rounds;
    o.verbose = cli_get(&a, run_opts, "verbose") != NULL;
    o.program_version = cli_version_number();
    o.git_revision = cli_git_revision();
    struct campaign_outcome out;
    int status = campaign_run(&o, &out);
    if (status == LS_OK) printf("campaign: %s\n", out.verdict);
    return status;
}

/* One evaluation as a batch job of launcher mode (written by `campaign run` into the submit
 * command; users do not type it). */
static int sub_job(int argc, char **argv)
{
    struct cli_args a;
    LS_TRY(cli_parse(argc, argv, job_opts, &a));
    if (a.help) {
        cli_print_help("campaign job", "FILE.yaml --work DIR --candidate ID --tag TAG",
                       "One evaluation as a batch job of launcher mode (submitted by 'campaign run').", job_opts);
        return LS_OK;
    }
    if (a.n_pos != 1) LS_ERROR(LS_ERR_USAGE, "campaign job needs one campaign file (FILE.yaml)");
    const char *work = cli_get(&a, job_opts, "work"), *tag = cli_get(&a, job_opts, "tag");
    if (!work || !tag) LS_ERROR(LS_ERR_USAGE, "campaign job needs --work DIR, --candidate ID and --tag TAG");
    long cand = 0, threads = 0;
    LS_TRY(cli_get_int_range(&a, job_opts, "candidate", 0, 0, 100000000, "candidate ids", &cand));
    LS_TRY(cli_get_int_range(&a, job_opts, "threads", 0, 0, 4096, "threads", &threads));
    if (cand < 1) LS_ERROR(LS_ERR_USAGE, "campaign job needs --candidate ID (1 or more)");
    return campaign_job_run(a.pos[0], work, cand, tag, (int)threads, cli_get(&a, job_opts, "verbose") != NULL);
}

static int sub_status(int argc, char **argv)
{
    struct cli_args a;
    LS_TRY(cli_parse(argc, argv, status_opts, &a));
    if (a.help) {
        cli_print_help("campaign status", "--db FILE.db", "Counts, best so far, running evaluations, verdict.",
                       status_opts);
        return LS_OK;
    }
    if (a.n_pos) LS_ERROR(LS_ERR_USAGE, "campaign status takes no argument besides --db");
    const char *db = NULL;
    LS_TRY(need_db(&a, status_opts, &db));
    return campaign_status_write(db, stdout, cli_get(&a, status_opts, "json") != NULL);
}

static int sub_out(int argc, char **argv, int report)
{
    struct cli_args a;
    LS_TRY(cli_parse(argc, argv, out_opts, &a));
    const char *name = report ? "campaign report" : "campaign export";
    if (a.help) {
        cli_print_help(name, "--db FILE.db --out DIR",
                       report ? "Markdown and HTML report with SVG plots and the top candidates' structures."
                              : "CSV of the results and evaluations, extended XYZ of structures and DFT frames.",
                       out_opts);
        return LS_OK;
    }
    if (a.n_pos) LS_ERROR(LS_ERR_USAGE, "%s takes no argument besides --db and --out", name);
    const char *db = NULL, *dir = cli_get(&a, out_opts, "out");
    LS_TRY(need_db(&a, out_opts, &db));
    if (!dir) LS_ERROR(LS_ERR_USAGE, "--out DIR is required");
    int status = report ? campaign_report_write(db, dir) : campaign_export_write(db, dir);
    if (status == LS_OK) printf("%s: written to %s\n", name, dir);
    return status;
}

int cmd_campaign(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        usage(argc < 2 ? stderr : stdout);
        if (argc < 2) LS_ERROR(LS_ERR_USAGE, "campaign needs a subcommand: run, status, report or export");
        return LS_OK;
    }
    const char *sub = argv[1];
    if (!strcmp(sub, "run")) return sub_run(argc - 1, argv + 1);
    if (ls_par_size() > 1)
        LS_ERROR(LS_ERR_USAGE, "'campaign %s' runs on one process: start it without mpirun (only 'campaign run' runs on "
                               "several, as a task farm)",
                 sub);
    if (!strcmp(sub, "job")) return sub_job(argc - 1, argv + 1);
    if (!strcmp(sub, "status")) return sub_status(argc - 1, argv + 1);
    if (!strcmp(sub, "report")) return sub_out(argc - 1, argv + 1, 1);
    if (!strcmp(sub, "export")) return sub_out(argc - 1, argv + 1, 0);
    LS_ERROR(LS_ERR_USAGE, "unknown campaign subcommand '%s': use run, job, status, report or export", sub);
}
