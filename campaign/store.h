/* The campaign store: the SQLite database of a campaign (schema in campaign/schema.c,
 * documented in campaign/README.md) and the files beside it (DB.files/: checkpoints,
 * trajectories and result files of each DFT run, the surrogate models).
 *
 * Crash safety (the protocol of campaign/README.md): every state change is one transaction;
 * intent is written before work (an evaluation is 'running' with host, pid and heartbeat
 * before its first DFT run starts) and the outcome after it; a DFT run writes its result
 * file atomically before the transaction that records it, so a result that never reached
 * the database is recovered from its file; one process writes (the runner row, with a
 * heartbeat), and a second `campaign run` on the same database is refused while the first
 * is alive.
 */
#ifndef LS_CAMPAIGN_STORE_H
#define LS_CAMPAIGN_STORE_H

#include "campaign/candidates.h"
#include "common/db.h"

extern const ls_db_migration_fn campaign_schema_steps[CAMPAIGN_SCHEMA_VERSION];

typedef struct campaign_store {
    ls_db *db;
    char path[4096];
    char work_dir[4096];     /* PATH.files */
    char host[256];
    int pid;
    int readonly;
    long long settings_id;   /* the settings row in force */
    char version[64];        /* of the program writing (provenance) */
    char git[64];
} campaign_store;

/* Open (creating it unless readonly) and bring the schema to the current version; a foreign,
 * newer or read-only database is refused before anything is written (LS_ERR_INPUT/IO). */
int campaign_store_open(const char *path, int readonly, campaign_store **out);
void campaign_store_close(campaign_store *st); /* accepts NULL */

/* ISO 8601 UTC time "2026-12-07T14:03:11Z" and the Unix time (s). */
void campaign_utc_now(char buf[32]);
double campaign_unix_now(void);

/* Take the runner lock: LS_ERR_INPUT naming the host and pid when another live process
 * holds it (same host: the pid exists; other host: its heartbeat is younger than stale_s). */
int campaign_store_lock(campaign_store *st, double stale_s);
void campaign_store_unlock(campaign_store *st);
/* Heartbeat of the runner and, if eval_id > 0, of that running evaluation. */
int campaign_store_heartbeat(campaign_store *st, long long eval_id);

/* A line in the event log (resumes, changed settings, recoveries, retries). */
int campaign_store_event(campaign_store *st, int round, const char *kind, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Compare cfg with the settings in force: a first run stores them; a resume with changes to
 * binding keys (the candidate space, the DFT protocol, the calculator) is refused, naming
 * every change (LS_ERR_INPUT, database unchanged); other changes are accepted, logged and
 * stored as a new settings row from the next round on.  *n_changed counts the changes. */
int campaign_store_sync_settings(campaign_store *st, const struct campaign_config *cfg, const char *yaml,
                                 int *n_changed);

/* Insert the candidates and the reference phases on the first run; check on a resume that
 * the stored ones are those of cfg (same fingerprints, in order). */
int campaign_store_sync_candidates(campaign_store *st, const struct campaign_candidate_list *cands,
                                   const struct campaign_candidate_list *refs, const struct campaign_config *cfg);
/* Candidate id (1-based) of search candidate i (0-based) = i + 1; references follow. */

/* The objectives, constraints and budget of the settings in force (read-only commands). */
struct campaign_goals {
    int n_obj, n_con, budget;
    struct campaign_objective obj[CAMPAIGN_MAX_OBJECTIVES];
    struct campaign_constraint con[CAMPAIGN_MAX_CONSTRAINTS];
};
int campaign_store_goals(campaign_store *st, struct campaign_goals *g);
/* Column of the `results` view holding a property. */
const char *campaign_property_column(enum campaign_property p);
/* An SQL condition on the `results` view that is true for feasible rows ("(1 AND ...)"). */
void campaign_goals_feasible_sql(const struct campaign_goals *g, char *buf, size_t n);

#endif
