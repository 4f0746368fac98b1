/* End-to-end tests of `lodestone campaign` with the toy calculator (campaign/eval_toy.c, a
 * stand-in for DFT): a whole campaign, its crash safety under kill -9 and SIGTERM (the reduced
 * form of the 20-kill DFT check of validation/campaign/), resume with changed settings, every
 * refused input leaving the database as it was, and the read-only commands.  The reference of
 * every comparison is an uninterrupted run of the same file (no external numbers). */
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/db.h"
#include "common/err.h"
#include "common/rng.h"
#include "common/sha256.h"
#include "common/test.h"

static char g_dir[1024];

/* Run a shell command; its exit code (-1 if it died of a signal). */
static int run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int run(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The toy campaign file with `extra` appended (a later key of the same name is refused by
 * YAML, so variations replace lines: see each test). */
static void write_config(const char *path, const char *budget_line, const char *extra)
{
    FILE *f = fopen(path, "w");
    fprintf(f, "name: toy campaign\nseed: 11\nelements: [Mn, Fe, Co, Ni, Al, Ga, Si, Pt]\n"
               "flagged: {Co: critical raw material, Pt: cost}\nprototypes: [B2, L10, L12, L21]\n"
               "sites: {A: [Mn, Fe, Co, Ni], X: [Mn, Fe, Co, Ni]}\n"
               "calculator: {type: toy, delay: 0.01 s, delay_spread: 0.03 s, fail_fraction: 0.05}\n"
               "objectives:\n  - {property: ms_tesla, goal: max}\nconstraints:\n"
               "  - {property: formation_energy, max: 0 eV/atom}\n  - {property: e_above_hull, max: 0.1 eV/atom}\n"
               "%s\nbatch_size: 4\nstop: {stall_rounds: 10}\nretry: {heartbeat: 0.1 s, max_attempts: 5}\n%s",
            budget_line, extra ? extra : "");
    fclose(f);
}

/* A path in the test's folder (rotating buffers: copy it when more than eight are alive). */
static const char *db_in(const char *name)
{
    return ls_test_in_dir(g_dir, name);
}

#define PATH(var, name) char var[1100]; snprintf(var, sizeof var, "%s", db_in(name))

static void remove_db(const char *db)
{
    run("rm -rf '%s' '%s-wal' '%s-shm' '%s.files'", db, db, db, db);
}

/* A campaign file from a format; 0 when it could not be written (a failed check). */
static int __attribute__((format(printf, 2, 3))) write_yaml(const char *path, const char *fmt, ...)
{
    FILE *f = fopen(path, "w");
    LS_CHECK_MSG(f != NULL, "cannot write %s", path);
    if (!f) return 0;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    return fclose(f) == 0;
}

/* SHA-256 of a file ("" if unreadable). */
static void file_hash(const char *path, char hex[65])
{
    if (ls_sha256_file(path, hex) != LS_OK) hex[0] = 0;
}

/* One text value of a query on a database (read-only). */
static void query_text(const char *db, const char *sql, char *buf, int n)
{
    ls_db *d = NULL;
    buf[0] = 0;
    if (ls_db_open(db, LS_DB_READONLY, &d) != LS_OK) return;
    int found = 0;
    ls_db_get_text(d, buf, n, &found, sql, NULL);
    ls_db_close(d);
}

static long long query_int(const char *db, const char *sql)
{
    char buf[64];
    query_text(db, sql, buf, sizeof buf);
    return atoll(buf);
}

/* The campaign's outcome as one text: every result and every proposal, in order. */
static void outcome(const char *db, char *buf, int n)
{
    query_text(db,
               "SELECT group_concat(x, ';') FROM (SELECT candidate_id || ':' || status || ':' || "
               "coalesce(printf('%.12f', energy_ev_per_atom), '-') || ':' || coalesce(printf('%.12f', ms_tesla), '-') || "
               "':' || coalesce(printf('%.12f', e_above_hull_ev_per_atom), '-') || ':' || n_dft_evaluations_before AS x "
               "FROM results ORDER BY evaluation_id)",
               buf, n);
    char prop[32768];
    query_text(db,
               "SELECT group_concat(y, ';') FROM (SELECT round_id || ':' || candidate_id || ':' || rank || ':' || "
               "coalesce(printf('%.9f', acq_value), '-') AS y FROM proposal ORDER BY round_id, rank)",
               prop, sizeof prop);
    size_t len = strlen(buf);
    snprintf(buf + len, (size_t)n - len, " | %s", prop);
}

static void test_campaign_uninterrupted(void)
{
    PATH(yaml, "toy.yaml");
    PATH(db, "a.db");
    write_config(yaml, "budget: {dft_evaluations: 20}", NULL);
    remove_db(db);
    int rc = run("%s campaign run %s --db %s > %s 2>&1", ls_test_bin(), yaml, db, db_in("a.log"));
    LS_CHECK_MSG(rc == 0, "exit %d (log %s)", rc, db_in("a.log"));
    LS_CHECK(query_int(db, "SELECT count(*) FROM results") == 20);
    LS_CHECK(query_int(db, "SELECT count(*) FROM results WHERE status IN ('done', 'failed')") == 20);
    /* Every reference phase computed; formation energies defined for every done result. */
    LS_CHECK(query_int(db, "SELECT count(*) FROM evaluation e JOIN candidate c ON c.id = e.candidate_id WHERE c.role = "
                           "'reference' AND e.state = 'done'") == 8);
    LS_CHECK(query_int(db, "SELECT count(*) FROM results WHERE status = 'done' AND formation_energy_ev_per_atom IS NULL") == 0);
    /* Provenance for every DFT run that gave a result. */
    LS_CHECK(query_int(db, "SELECT count(*) FROM dft_run d LEFT JOIN provenance p ON p.dft_run_id = d.id WHERE d.state "
                           "= 'done' AND p.input_sha256 IS NULL") == 0);
    /* The moments used are stored with every run. */
    LS_CHECK(query_int(db, "SELECT count(*) FROM dft_run WHERE state = 'done' AND moments_start_mub IS NULL") == 0);
    /* The log ends with the verdict. */
    char *log = ls_test_slurp(db_in("a.log"));
    LS_CHECK(log && strstr(log, "campaign: budget exhausted"));
    free(log);
    /* The `results` view with the sqlite3 shell, as a user would (sqlite3 is installed by CI). */
    if (run("command -v sqlite3 > /dev/null") == 0) {
        rc = run("sqlite3 -readonly %s 'SELECT candidate_id, formula, prototype, magnetic_order, status, "
                 "energy_ev_per_atom, formation_energy_ev_per_atom, e_above_hull_ev_per_atom, moment_mub_per_atom, "
                 "ms_tesla, n_dft_evaluations_before FROM results ORDER BY ms_tesla DESC LIMIT 3' > %s",
                 db, db_in("view.txt"));
        char *view = ls_test_slurp(db_in("view.txt"));
        LS_CHECK_MSG(rc == 0 && view && ls_test_count(view, "\n") == 3 && strstr(view, "|done|"), "sqlite3: %s",
                     view ? view : "(none)");
        free(view);
    } else {
        LS_CHECK_MSG(0, "the sqlite3 shell is not installed (apt-get install sqlite3)");
    }
}

/* Lines in the campaign's audit log of runs (0 while it does not exist). */
static int count_lines(const char *path)
{
    char *text = ls_test_slurp(path);
    int n = text ? ls_test_count(text, "\n") : 0;
    free(text);
    return n;
}

/* kill -9 at seeded random moments, then run again until done: the same outcome as the
 * uninterrupted run, no run started again after it was recorded.  The moments are set by the
 * campaign's progress, not by the clock, so that every machine sees the 8 kills whatever its
 * speed: each after 1 to 6 new lines of the audit log (a run started or recorded) and a
 * further 0 to 30 ms, which lands anywhere in the next step (computing, writing the result
 * files, the database transaction). */
static void test_campaign_kill9(void)
{
    PATH(yaml, "toy.yaml");
    PATH(db, "k.db");
    remove_db(db);
    char runs_log[1200];
    snprintf(runs_log, sizeof runs_log, "%s.files/runs.log", db);
    uint64_t seed = 20261207;
    fprintf(stderr, "  kill -9 schedule seed %llu\n", (unsigned long long)seed);
    int kills = 0, finished = 0;
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "exec %s campaign run %s --db %s >> %s 2>&1", ls_test_bin(), yaml, db, db_in("k.log"));
    for (int attempt = 0; attempt < 40 && !finished; attempt++) {
        const int kill_this = attempt < 8;
        const int target = count_lines(runs_log) + 1 + (int)(6 * ls_splitmix64_uniform(&seed));
        const double jitter_s = 0.03 * ls_splitmix64_uniform(&seed);
        pid_t pid = ls_test_spawn(cmd);
        int st = 0, exited = 0;
        for (double waited = 0; waited < 600 && !exited; waited += 0.002) {
            if (waitpid(pid, &st, WNOHANG) == pid) exited = 1;
            else if (kill_this && count_lines(runs_log) >= target) break;
            else ls_test_sleep(0.002);
        }
        if (!exited && kill_this) {
            ls_test_sleep(jitter_s);
            if (waitpid(pid, &st, WNOHANG) != pid) {
                kill(pid, SIGKILL);
                waitpid(pid, &st, 0);
                kills++;
                continue;
            }
        } else if (!exited) {
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
            LS_CHECK_MSG(0, "run %d did not end within 600 s", attempt);
            break;
        }
        finished = WIFEXITED(st) && WEXITSTATUS(st) == 0;
        LS_CHECK_MSG(WIFEXITED(st) && (WEXITSTATUS(st) == 0), "run %d ended with status %d", attempt, st);
    }
    LS_CHECK(finished && kills == 8);
    char a[65536], k[65536];
    outcome(db_in("a.db"), a, sizeof a);
    outcome(db, k, sizeof k);
    LS_CHECK_MSG(a[0] && !strcmp(a, k), "outcomes differ:\n uninterrupted %s\n killed        %s", a, k);
    /* No run was started again after its result was recorded. */
    char *log = NULL;
    char path[1200];
    snprintf(path, sizeof path, "%s.files/runs.log", db);
    log = ls_test_slurp(path);
    LS_CHECK(log != NULL);
    int repeated = 0, restarted = 0, n_lines = 0;
    char (*what)[32] = calloc(4096, sizeof *what);
    char (*hash)[80] = calloc(4096, sizeof *hash);
    for (char *line = log ? strtok(log, "\n") : NULL; line && n_lines < 4096; line = strtok(NULL, "\n"))
        if (sscanf(line, "%*s %31s %79s", what[n_lines], hash[n_lines]) == 2) n_lines++;
    for (int i = 0; i < n_lines; i++) {
        if (strcmp(what[i], "start")) continue;
        for (int j = 0; j < i; j++) {
            if (strcmp(hash[j], hash[i])) continue;
            if (!strncmp(what[j], "recorded", 8)) repeated++;
            else if (!strcmp(what[j], "start")) restarted++;
        }
    }
    free(what);
    free(hash);
    fprintf(stderr, "  %d kills; %d runs resumed after a kill; %d repeated after being recorded\n", kills, restarted,
            repeated);
    LS_CHECK(repeated == 0);
    free(log);
    /* Every lost evaluation came back: nothing left running, lost or proposed. */
    LS_CHECK(query_int(db, "SELECT count(*) FROM evaluation WHERE state IN ('running', 'lost', 'proposed')") == 0);
}

/* The crash-loop guard of campaign_store_recover with a toy calculator whose evaluations (not the
 * reference phases) all kill the process, every time: with no work saved before the crash, each
 * evaluation is recorded failed after max_attempts (2) runs, "without progress"; with one SCF
 * checkpoint reported before each crash (crash_saves: 1, what the DFT evaluator reports), the
 * losses are progress, and the evaluation fails only after CAMPAIGN_LOSS_FACTOR * max_attempts
 * (8) attempts in all.  Then the campaign finishes (exit 0) with every evaluation failed. */
static void crash_loop(int crash_saves, int runs_per_evaluation, const char *reason)
{
    PATH(yaml, "crash.yaml");
    PATH(db, "crash.db");
    remove_db(db);
    if (!write_yaml(yaml, "name: crash loop\nseed: 3\nelements: [Fe, Co, Ni, Al]\nprototypes: [B2]\n"
               "calculator: {type: toy, delay: 0.01 s, crash_fraction: 1, crash_saves: %d}\n"
               "objectives:\n  - {property: ms_tesla, goal: max}\nbudget: {dft_evaluations: 2}\nbatch_size: 1\n"
               "retry: {heartbeat: 0.1 s, max_attempts: 2}\n",
                    crash_saves))
        return;
    int n_runs = 0, rc = -1;
    for (; n_runs < 40 && rc != 0; n_runs++)
        rc = run("%s campaign run %s --db %s >> %s 2>&1", ls_test_bin(), yaml, db, db_in("crash.log"));
    fprintf(stderr, "  crash_saves %d: %d runs until the campaign finished\n", crash_saves, n_runs);
    /* 2 evaluations, each lost runs_per_evaluation times; the last run records the second failure
     * and finishes; the references were computed by the first run before its crash. */
    LS_CHECK_MSG(rc == 0 && n_runs == 2 * runs_per_evaluation + 1, "exit %d after %d runs (expected %d)", rc, n_runs,
                 2 * runs_per_evaluation + 1);
    LS_CHECK(query_int(db, "SELECT count(*) FROM evaluation e JOIN candidate c ON c.id = e.candidate_id WHERE c.role <> "
                           "'reference' AND e.state = 'failed'") == 2);
    char buf[512];
    query_text(db, "SELECT reason FROM evaluation WHERE state = 'failed' LIMIT 1", buf, sizeof buf);
    LS_CHECK_MSG(strstr(buf, reason) != NULL, "reason: %s", buf);
    LS_CHECK(query_int(db, "SELECT count(*) FROM evaluation WHERE state IN ('running', 'lost', 'proposed')") == 0);
}

static void test_campaign_crash_loop(void)
{
    crash_loop(0, 2, "lost 2 times in a row without progress");
    crash_loop(1, 8, "lost 8 times");
}

/* The lookup calculator over a list of databases, searched in order: the first round of toy.yaml
 * replayed from [crash.db, a.db] (crash.db holds the Fe, Co, Ni, Al reference phases and no other
 * result; a.db the uninterrupted run) gives a.db's first results (energies, moments and hull
 * distances to 1e-12), with no computation.  Only the first round: later proposals may differ,
 * because the relaxed cell comes back from the stored extended XYZ (angstrom, converted to bohr),
 * which moves the last bit of Ms and can reorder near-tied acquisition values.  A database list
 * without the runs asked for: exit 2 naming the candidate. */
static void test_campaign_lookup(void)
{
    PATH(yaml, "toy.yaml");
    PATH(lookup, "lookup.yaml");
    PATH(db, "l.db");
    PATH(a_db, "a.db");
    char *text = ls_test_slurp(yaml);
    LS_CHECK(text != NULL);
    if (!text) return;
    char *calc = strstr(text, "calculator:"), *budget = strstr(text, "budget:");
    char *calc_end = calc ? strchr(calc, '\n') : NULL, *budget_end = budget ? strchr(budget, '\n') : NULL;
    LS_CHECK(calc && calc_end && budget && budget_end && calc < budget);
    for (int variant = 0; variant < 2 && calc_end && budget_end && calc < budget; variant++) {
        remove_db(db);
        FILE *f = fopen(lookup, "w");
        /* Names relative to the campaign file, as users write them. */
        fprintf(f, "%.*scalculator: {type: lookup, database: [crash.db%s]}%.*sbudget: {dft_evaluations: 4}%s",
                (int)(calc - text), text, variant == 0 ? ", a.db" : "", (int)(budget - calc_end), calc_end, budget_end);
        fclose(f);
        int rc = run("%s campaign run %s --db %s > %s 2>&1", ls_test_bin(), lookup, db, db_in("l.log"));
        if (variant == 1) {
            char *log = ls_test_slurp(db_in("l.log"));
            LS_CHECK_MSG(rc == 2 && log && strstr(log, "crash.db: no result for") && strstr(log, "(reference)"),
                         "exit %d: %s", rc, log ? log : "");
            free(log);
            break;
        }
        LS_CHECK_MSG(rc == 0, "exit %d (log %s)", rc, db_in("l.log"));
        const char *sql = "SELECT group_concat(x, ';') FROM (SELECT candidate_id || ':' || status || ':' || "
                          "printf('%.12f', energy_ev_per_atom) || ':' || printf('%.12f', moment_mub_per_atom) || ':' || "
                          "printf('%.12f', e_above_hull_ev_per_atom) AS x FROM results WHERE n_dft_evaluations_before = 0 "
                          "ORDER BY evaluation_id)";
        char a[8192], l[8192];
        query_text(a_db, sql, a, sizeof a);
        query_text(db, sql, l, sizeof l);
        LS_CHECK_MSG(a[0] && !strcmp(a, l), "first round differs:\n toy    %s\n lookup %s", a, l);
        LS_CHECK(query_int(db, "SELECT count(*) FROM provenance WHERE calculator <> 'lookup'") == 0);
        LS_CHECK(query_int(db, "SELECT count(*) FROM provenance") >= 12); /* 8 references, 4 candidates */
    }
    free(text);
}

/* Launcher mode with a fake scheduler (campaign/testdata/fake_scheduler.sh) that loses 7 % of
 * the jobs, kills 7 % (no exit file), delays 6 %: every evaluation ends done or failed with its
 * reason, no run is recorded twice, nothing is left running or proposed, the lost and killed
 * jobs are in the job table with their reasons, and the done results equal those the same
 * campaign computes in process (the toy calculator's numbers depend only on the input). */
static void test_campaign_launcher(void)
{
    PATH(yaml, "launch.yaml");
    PATH(db, "launch.db");
    PATH(sched, "sched");
    remove_db(db);
    run("rm -rf '%s'", sched);
    char fake[4096];
    LS_CHECK(realpath("campaign/testdata/fake_scheduler.sh", fake) != NULL);
    if (!write_yaml(yaml, "name: launcher\nseed: 5\nelements: [Mn, Fe, Co, Ni, Al, Ga]\nprototypes: [B2, L10]\n"
               "calculator: {type: toy, delay: 0.2 s}\nobjectives:\n  - {property: ms_tesla, goal: max}\n"
               "budget: {dft_evaluations: 12}\nbatch_size: 4\n"
               "retry: {heartbeat: 0.1 s, stale_after: 1 s, max_attempts: 3}\n"
               "launcher:\n  submit: \"sh %s submit %s 7 \\\"{job}\\\"\"\n  status: \"sh %s status %s {job_id}\"\n"
               "  cancel: \"sh %s cancel %s {job_id}\"\n  max_jobs: 3\n  timeout: 60 s\n  poll: 0.05 s\n",
                    fake, sched, fake, sched, fake, sched))
        return;
    int rc = run("%s campaign run %s --db %s > %s 2>&1", ls_test_bin(), yaml, db, db_in("launch.log"));
    LS_CHECK_MSG(rc == 0, "exit %d (log %s)", rc, db_in("launch.log"));
    long long n_eval = query_int(db, "SELECT count(*) FROM evaluation");
    LS_CHECK(n_eval == 12 + 6);
    LS_CHECK(query_int(db, "SELECT count(*) FROM evaluation WHERE state IN ('running', 'lost', 'proposed')") == 0);
    LS_CHECK(query_int(db, "SELECT count(*) FROM evaluation WHERE state = 'failed' AND (reason IS NULL OR reason = '')") ==
             0);
    LS_CHECK(query_int(db, "SELECT count(*) FROM job WHERE state = 'submitted'") == 0);
    long long n_jobs = query_int(db, "SELECT count(*) FROM job");
    long long n_bad = query_int(db, "SELECT count(*) FROM job WHERE state IN ('lost', 'failed') AND reason <> ''");
    fprintf(stderr, "  launcher: %lld evaluations, %lld jobs, %lld lost or failed, %lld evaluations failed\n", n_eval,
            n_jobs, n_bad, query_int(db, "SELECT count(*) FROM evaluation WHERE state = 'failed'"));
    LS_CHECK(n_jobs >= n_eval && n_bad >= 1);
    LS_CHECK(query_int(db, "SELECT count(*) FROM job WHERE state <> 'ended' AND (reason IS NULL OR reason = '')") == 0);
    /* No run recorded twice: in the store, and in the audit log. */
    LS_CHECK(query_int(db, "SELECT count(*) FROM dft_run WHERE attempts > 1") == 0);
    char path[1200];
    snprintf(path, sizeof path, "%s.files/runs.log", db);
    char *log = ls_test_slurp(path);
    LS_CHECK(log != NULL);
    char (*hash)[80] = calloc(4096, sizeof *hash);
    int n = 0, twice = 0;
    for (char *line = log ? strtok(log, "\n") : NULL; line && n < 4096; line = strtok(NULL, "\n")) {
        char what[32];
        if (sscanf(line, "%*s %31s %79s", what, hash[n]) != 2 || strncmp(what, "recorded", 8)) continue;
        for (int k = 0; k < n; k++) twice += !strcmp(hash[k], hash[n]);
        n++;
    }
    LS_CHECK_MSG(n > 0 && twice == 0, "%d runs recorded, %d twice", n, twice);
    free(hash);
    free(log);
    /* Bad launcher sections: exit 2 naming the file, the line and the fix; no database made. */
    const char *bad[][2] = {{"  submit: \"sbatch --wrap '{jb}'\"\n", "unknown placeholder '{jb}'"},
                            {"  submit: \"sbatch job.sh\"\n", "must run {job}"},
                            {"  submit: \"sh -c '{job}'\"\n  max_jobs: 0\n", "max_jobs must lie in 1..100000"}};
    for (int i = 0; i < 3; i++) {
        PATH(bad_yaml, "bad-launch.yaml");
        PATH(bad_db, "bad-launch.db");
        remove_db(bad_db);
        if (!write_yaml(bad_yaml, "name: bad\nelements: [Fe, Co]\nprototypes: [B2]\ncalculator: toy\nlauncher:\n%s",
                        bad[i][0]))
            break;
        rc = run("%s campaign run %s --db %s > %s 2>&1", ls_test_bin(), bad_yaml, bad_db, db_in("bad-launch.log"));
        char *msg = ls_test_slurp(db_in("bad-launch.log"));
        LS_CHECK_MSG(rc == 2 && msg && strstr(msg, bad[i][1]) && strstr(msg, "bad-launch.yaml:"), "case %d: exit %d: %s",
                     i, rc, msg ? msg : "");
        struct stat sb;
        LS_CHECK(stat(bad_db, &sb) != 0);
        free(msg);
    }
}

/* Launcher mode, the leader killed (kill -9) while its first three jobs run (the fake
 * scheduler's seed 3 runs jobs 1 to 4 normally): the next `campaign run` collects those jobs
 * instead of submitting them again, and finishes. */
static void test_campaign_launcher_leader_killed(void)
{
    PATH(yaml, "leader.yaml");
    PATH(db, "leader.db");
    PATH(sched, "sched-leader");
    remove_db(db);
    run("rm -rf '%s'", sched);
    char fake[4096];
    LS_CHECK(realpath("campaign/testdata/fake_scheduler.sh", fake) != NULL);
    if (!write_yaml(yaml, "name: leader\nseed: 5\nelements: [Fe, Co, Ni]\nprototypes: [B2]\n"
               "calculator: {type: toy, delay: 1.5 s}\nobjectives:\n  - {property: ms_tesla, goal: max}\n"
               "budget: {dft_evaluations: 2}\nbatch_size: 2\nretry: {heartbeat: 0.1 s, stale_after: 2 s}\n"
               "launcher:\n  submit: \"sh %s submit %s 3 \\\"{job}\\\"\"\n  status: \"sh %s status %s {job_id}\"\n"
               "  max_jobs: 3\n  poll: 0.05 s\n",
                    fake, sched, fake, sched))
        return;
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "exec %s campaign run %s --db %s > %s 2>&1", ls_test_bin(), yaml, db, db_in("leader.log"));
    pid_t pid = ls_test_spawn(cmd);
    long long n = 0;
    for (int i = 0; i < 3000 && n < 3; i++) {
        ls_test_sleep(0.01);
        n = query_int(db, "SELECT count(*) FROM job");
    }
    kill(pid, SIGKILL);
    int st = 0;
    waitpid(pid, &st, 0);
    LS_CHECK_MSG(n == 3, "%lld jobs submitted before the kill", n);
    /* `campaign status` shows the jobs in flight. */
    run("%s campaign status --db %s > %s 2>&1", ls_test_bin(), db, db_in("leader.status"));
    char *text = ls_test_slurp(db_in("leader.status"));
    LS_CHECK_MSG(text && strstr(text, "batch jobs:  3 submitted and not collected"), "status: %s", text ? text : "");
    free(text);
    int rc = run("%s campaign run %s --db %s >> %s 2>&1", ls_test_bin(), yaml, db, db_in("leader.log"));
    LS_CHECK_MSG(rc == 0, "exit %d (log %s)", rc, db_in("leader.log"));
    LS_CHECK(query_int(db, "SELECT count(*) FROM job WHERE id <= 3 AND state = 'ended' AND attempt = 1") == 3);
    LS_CHECK(query_int(db, "SELECT count(*) FROM job WHERE evaluation_id IN (SELECT evaluation_id FROM job WHERE id <= "
                           "3)") == 3);
    LS_CHECK(query_int(db, "SELECT count(*) FROM evaluation WHERE state IN ('running', 'lost', 'proposed')") == 0);
}

/* SIGTERM: exit 3 with the state saved; the rerun finishes with the uninterrupted outcome. */
static void test_campaign_sigterm(void)
{
    PATH(yaml, "toy.yaml");
    PATH(db, "t.db");
    remove_db(db);
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "exec %s campaign run %s --db %s > %s 2>&1", ls_test_bin(), yaml, db, db_in("t.log"));
    pid_t pid = ls_test_spawn(cmd);
    /* The handlers are installed before the database is created: wait for the file (a loaded
     * machine may take seconds to start the program), then let it work a little. */
    struct stat sb;
    for (int i = 0; i < 3000 && stat(db, &sb) != 0; i++) ls_test_sleep(0.01);
    ls_test_sleep(0.5);
    kill(pid, SIGTERM);
    int st = 0;
    waitpid(pid, &st, 0);
    LS_CHECK_MSG(WIFEXITED(st) && WEXITSTATUS(st) == 3, "SIGTERM: status %d", st);
    char *log = ls_test_slurp(db_in("t.log"));
    LS_CHECK(log && strstr(log, "signal"));
    free(log);
    /* status tells it was stopped with its state saved */
    int rc = run("%s campaign status --db %s > %s 2>&1", ls_test_bin(), db, db_in("t.status"));
    char *s = ls_test_slurp(db_in("t.status"));
    LS_CHECK_MSG(rc == 0 && s && strstr(s, "stopped by a signal"), "status: %s", s ? s : "");
    free(s);
    rc = run("%s campaign run %s --db %s >> %s 2>&1", ls_test_bin(), yaml, db, db_in("t.log"));
    LS_CHECK(rc == 0);
    char a[65536], t[65536];
    outcome(db_in("a.db"), a, sizeof a);
    outcome(db, t, sizeof t);
    LS_CHECK(a[0] && !strcmp(a, t));
}

/* Resume with changed settings: binding ones refused naming the change, the database as it
 * was; others accepted and logged. */
static void test_campaign_changed_settings(void)
{
    PATH(db, "a.db");
    PATH(yaml2, "changed.yaml");
    char before[65], after[65];
    /* Binding: the DFT protocol. */
    write_config(yaml2, "budget: {dft_evaluations: 20}", "dft: {kspacing: 0.25 1/angstrom}\n");
    run("sqlite3 %s 'PRAGMA wal_checkpoint(TRUNCATE)' > /dev/null 2>&1", db);
    file_hash(db, before);
    int rc = run("%s campaign run %s --db %s > %s 2>&1", ls_test_bin(), yaml2, db, db_in("c.log"));
    char *log = ls_test_slurp(db_in("c.log"));
    LS_CHECK_MSG(rc == 2 && log && strstr(log, "dft.kspacing_per_bohr") && strstr(log, "start a new database"),
                 "exit %d: %s", rc, log ? log : "");
    free(log);
    file_hash(db, after);
    LS_CHECK(!strcmp(before, after));
    /* Not binding: a larger budget goes on, with the change logged. */
    write_config(yaml2, "budget: {dft_evaluations: 24}", NULL);
    rc = run("%s campaign run %s --db %s > %s 2>&1", ls_test_bin(), yaml2, db, db_in("c2.log"));
    log = ls_test_slurp(db_in("c2.log"));
    LS_CHECK_MSG(rc == 0 && log && strstr(log, "settings changed") && strstr(log, "budget.dft_evaluations"),
                 "exit %d: %s", rc, log ? log : "");
    free(log);
    LS_CHECK(query_int(db, "SELECT count(*) FROM results") == 24);
    LS_CHECK(query_int(db, "SELECT count(*) FROM event WHERE kind = 'settings'") == 1);
    LS_CHECK(query_int(db, "SELECT count(*) FROM settings") == 2);
}

/* Refused inputs: exit 2, naming the file and line (or the table), the database unchanged. */
static void test_campaign_bad_input(void)
{
    PATH(db, "a.db");
    PATH(toy, "toy.yaml");
    char before[65], after[65];
    run("sqlite3 %s 'PRAGMA wal_checkpoint(TRUNCATE)' > /dev/null 2>&1", db);
    file_hash(db, before);
    struct {
        const char *text;
        const char *expect;
    } bad[] = {
        {"elements: [Fe, Co\n", "bad.yaml:"},
        {"elements: [Fe, Unobtainium]\n", "not an element"},
        {"elements: [Fe, Co]\nprototypes: [Heusler]\n", "prototypes/0"},
        {"elements: [Fe, Co]\nconstraints:\n  - {property: e_above_hull, max: -1 eV/atom}\n", "impossible"},
        {"elements: [Fe, Co]\nbudgett: {dft_evaluations: 3}\n", "did you mean 'budget'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        FILE *f = fopen(db_in("bad.yaml"), "w");
        fputs(bad[i].text, f);
        fclose(f);
        int rc = run("%s campaign run %s --db %s > %s 2>&1", ls_test_bin(), db_in("bad.yaml"), db, db_in("bad.log"));
        char *log = ls_test_slurp(db_in("bad.log"));
        LS_CHECK_MSG(rc == 2 && log && strstr(log, bad[i].expect) && strstr(log, "bad.yaml:"), "case %zu: exit %d: %s", i,
                     rc, log ? log : "");
        free(log);
    }
    file_hash(db, after);
    LS_CHECK(!strcmp(before, after));
    /* A database of another program, and one of a newer schema: refused, unchanged. */
    PATH(foreign, "foreign.db");
    PATH(newer, "newer.db");
    remove(foreign);
    run("sqlite3 %s 'CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT); INSERT INTO accounts (owner) VALUES "
        "(\"me\")'", foreign);
    run("cp %s %s && sqlite3 %s 'PRAGMA user_version = 99' > /dev/null", db, newer, newer);
    const char *cases[2][2] = {{foreign, "not a Lodestone campaign database"}, {newer, "newer than this program"}};
    for (int i = 0; i < 2; i++) {
        char h0[65], h1[65];
        file_hash(cases[i][0], h0);
        int rc = run("%s campaign run %s --db %s > %s 2>&1", ls_test_bin(), toy, cases[i][0], db_in("db.log"));
        char *log = ls_test_slurp(db_in("db.log"));
        LS_CHECK_MSG(rc == 2 && log && strstr(log, cases[i][1]), "%s: exit %d: %s", cases[i][0], rc, log ? log : "");
        free(log);
        file_hash(cases[i][0], h1);
        LS_CHECK(h0[0] && !strcmp(h0, h1));
        rc = run("%s campaign status --db %s > %s 2>&1", ls_test_bin(), cases[i][0], db_in("db.log"));
        LS_CHECK(rc == 2);
    }
    /* A read-only database: refused for `run` (as an unprivileged user: root writes anyway),
     * read by `status`.  Database, input and program are copied to a folder that 'nobody' can
     * reach: the checkout may lie under a private folder (a 0700 home, CI's mktemp -d). */
    char pub[64], ro[128], pub_bin[128], pub_toy[128], ro_log[128];
    LS_CHECK(ls_test_public_dir(pub, sizeof pub) == 0);
    snprintf(ro, sizeof ro, "%s/ro.db", pub);
    snprintf(pub_bin, sizeof pub_bin, "%s/lodestone", pub);
    snprintf(pub_toy, sizeof pub_toy, "%s/toy.yaml", pub);
    snprintf(ro_log, sizeof ro_log, "%s/ro.log", pub);
    run("cp %s %s && chmod 444 %s && cp %s %s && cp %s %s && chmod 644 %s && chmod 755 %s", db, ro, ro, ls_test_bin(),
        pub_bin, toy, pub_toy, pub_toy, pub_bin);
    char h0[65], h1[65];
    file_hash(ro, h0);
    const char *as_user = geteuid() == 0 ? "setpriv --reuid=65534 --regid=65534 --clear-groups" : "";
    int rc = run("cd %s && %s ./lodestone campaign run toy.yaml --db ro.db > %s 2>&1", pub, as_user, ro_log);
    char *log = ls_test_slurp(ro_log);
    LS_CHECK_MSG(rc == 2 && log && strstr(log, "read-only"), "read-only: exit %d: %s", rc, log ? log : "");
    free(log);
    file_hash(ro, h1);
    LS_CHECK(!strcmp(h0, h1));
    rc = run("%s campaign status --db %s > /dev/null 2>&1", ls_test_bin(), ro);
    LS_CHECK(rc == 0);
    run("rm -rf %s", pub);
    /* A second runner while one is alive: refused naming its pid. */
    char cmd[4096];
    PATH(two, "two.db");
    snprintf(cmd, sizeof cmd, "exec %s campaign run %s --db %s > /dev/null 2>&1", ls_test_bin(), toy, two);
    remove_db(two);
    pid_t pid = ls_test_spawn(cmd);
    ls_test_sleep(0.6);
    rc = run("%s campaign run %s --db %s > %s 2>&1", ls_test_bin(), toy, two, db_in("two.log"));
    log = ls_test_slurp(db_in("two.log"));
    char pid_text[32];
    snprintf(pid_text, sizeof pid_text, "process %d", (int)pid);
    LS_CHECK_MSG(rc == 2 && log && strstr(log, pid_text), "second runner: exit %d: %s", rc, log ? log : "");
    free(log);
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

static void test_campaign_outputs(void)
{
    PATH(db, "a.db");
    int rc = run("%s campaign status --db %s > %s 2>&1", ls_test_bin(), db, db_in("s.txt"));
    char *s = ls_test_slurp(db_in("s.txt"));
    LS_CHECK_MSG(rc == 0 && s && strstr(s, "24 of 24 DFT evaluations spent") && strstr(s, "budget exhausted"),
                 "status: %s", s ? s : "");
    free(s);
    rc = run("%s campaign status --db %s --json > %s 2>&1", ls_test_bin(), db, db_in("s.json"));
    s = ls_test_slurp(db_in("s.json"));
    LS_CHECK(rc == 0 && s && strstr(s, "\"dft_evaluations_spent\": 24") && strstr(s, "\"best\""));
    free(s);
    rc = run("%s campaign report --db %s --out %s > /dev/null 2>&1", ls_test_bin(), db, db_in("report"));
    LS_CHECK(rc == 0);
    const char *files[] = {"report/report.md", "report/report.html", "report/best-so-far.svg", "report/pareto.svg"};
    for (int i = 0; i < 4; i++) {
        struct stat sb;
        LS_CHECK_MSG(stat(db_in(files[i]), &sb) == 0 && sb.st_size > 200, "%s", files[i]);
    }
    rc = run("%s campaign export --db %s --out %s > /dev/null 2>&1", ls_test_bin(), db, db_in("export"));
    s = ls_test_slurp(db_in("export/results.csv"));
    LS_CHECK(rc == 0 && s && ls_test_count(s, "\n") == 25 && strstr(s, "n_dft_evaluations_before"));
    free(s);
    s = ls_test_slurp(db_in("export/structures.xyz"));
    LS_CHECK(s && strstr(s, "candidate_id="));
    free(s);
}

/* The surrogate in the loop (toy frames): a model trained once enough frames exist, every
 * available candidate predicted each round, the predictions in the report's parity plot. */
static void test_campaign_surrogate(void)
{
    PATH(yaml, "sur.yaml");
    PATH(db, "sur.db");
    FILE *f = fopen(yaml, "w");
    fputs("name: toy with surrogate\nseed: 5\nelements: [Fe, Co, Ni, Al]\nprototypes: [B2, L10]\n"
          "calculator: {type: toy, delay: 0.01 s}\nbudget: {dft_evaluations: 6}\nbatch_size: 3\n"
          "surrogate: {enabled: true, ensemble: 2, train_time: 0.5 s, trust_spread: 100 meV}\n",
          f);
    fclose(f);
    remove_db(db);
    int rc = run("%s campaign run %s --db %s > %s 2>&1", ls_test_bin(), yaml, db, db_in("sur.log"));
    LS_CHECK_MSG(rc == 0, "exit %d (log %s)", rc, db_in("sur.log"));
    LS_CHECK(query_int(db, "SELECT count(*) FROM model") >= 1);
    LS_CHECK(query_int(db, "SELECT count(*) FROM model WHERE n_frames >= 10") >= 1);
    /* Round 1 predicts every candidate but the references' (12 candidates, none evaluated yet). */
    LS_CHECK(query_int(db, "SELECT count(*) FROM prediction WHERE round_id = 1") == 12);
    LS_CHECK(query_int(db, "SELECT count(*) FROM prediction WHERE energy_ev_per_atom IS NULL") == 0);
    LS_CHECK(query_int(db, "SELECT count(*) FROM round WHERE model_id IS NOT NULL") == 2);
    rc = run("%s campaign report --db %s --out %s > /dev/null 2>&1", ls_test_bin(), db, db_in("sur-report"));
    struct stat sb;
    LS_CHECK(rc == 0 && stat(db_in("sur-report/surrogate-parity.svg"), &sb) == 0);
}

int main(void)
{
    ls_test_fresh_dir(g_dir, sizeof g_dir, "test_campaign");
    LS_RUN(test_campaign_uninterrupted);
    LS_RUN(test_campaign_kill9);
    LS_RUN(test_campaign_sigterm);
    LS_RUN(test_campaign_crash_loop);
    LS_RUN(test_campaign_lookup);
    LS_RUN(test_campaign_launcher);
    LS_RUN(test_campaign_launcher_leader_killed);
    LS_RUN(test_campaign_changed_settings);
    LS_RUN(test_campaign_outputs);
    LS_RUN(test_campaign_bad_input);
    LS_RUN(test_campaign_surrogate);
    return ls_test_summary("test_campaign");
}
