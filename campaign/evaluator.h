/* Evaluators: what computes one magnetic start of a candidate (one "DFT run").  A plug-in
 * table per kind, selected by the campaign file's `calculator`:
 *   dft     spin-polarised relaxation of positions and cell by the DFT engine (eval_dft.c)
 *   toy     an analytic stand-in with the same outputs, for tests and benchmarks (eval_toy.c)
 *   lookup  the result stored for the same input hash in another campaign's database
 *           (eval_lookup.c): replays an exhaustive screen without new DFT
 *
 * Contract: evaluate() fills `out` and returns LS_OK with out->ok = 1 (a result) or
 * out->ok = 0 and out->reason (a permanent failure of this start, e.g. an SCF that did not
 * converge with the safer settings either); LS_ERR_INTERRUPTED when a stop signal came (its
 * checkpoints are in in->dir, a later call continues); any other status is a failure of the
 * program or the machine (no space, no memory), not of the candidate, and ends the run.
 */
#ifndef LS_CAMPAIGN_EVALUATOR_H
#define LS_CAMPAIGN_EVALUATOR_H

#include "campaign/candidates.h"

struct campaign_eval_input {
    const struct campaign_config *cfg;
    const struct campaign_candidate *cand;
    const struct campaign_start *start;
    const char *input_sha256;  /* identity of this run (campaign_run_hash) */
    const char *dir;           /* this run's folder (checkpoints, trajectory), existing */
    int n_threads;
    int verbose;
    /* Progress hooks for the heartbeat, which tell a crash loop from a long evaluation that was
     * killed (campaign_store_recover): progress(ctx, progress_base + CAMPAIGN_PROGRESS_STEP *
     * relaxation steps done) after each step; saved(ctx) whenever a further part of the current
     * step reached a checkpoint on disk (an SCF state).  NULL: none. */
    void (*progress)(void *ctx, long long progress);
    void (*saved)(void *ctx);
    void *progress_ctx;
    long long progress_base;
};

/* The progress marker of an evaluation: CAMPAIGN_PROGRESS_START per magnetic start finished,
 * CAMPAIGN_PROGRESS_STEP per relaxation step, 1 per checkpoint written within a step (counted
 * on across attempts, so a resumed attempt that saves anything has progressed). */
#define CAMPAIGN_PROGRESS_START 1000000000000LL
#define CAMPAIGN_PROGRESS_STEP 1000000LL

struct campaign_eval_output {
    int ok;
    char reason[512];
    int n_atom;
    double energy_ev;                        /* free energy of the relaxed cell */
    double moments_start_mub[CAMPAIGN_MAX_ATOMS]; /* as the engine was given them */
    double moments_mub[CAMPAIGN_MAX_ATOMS];  /* final, per atom */
    double total_moment_mub, abs_moment_mub;
    ls_structure *relaxed;                   /* owned by the caller after the call */
    int n_relax_steps;
    int relax_converged;
    double max_force_ev_a, pressure_gpa;
    int scf_retries;                         /* safer-settings retries used */
    double wall_s, cpu_s;
    char settings[1024];                     /* the settings as run (after retries) */
    char pseudopotentials[2048];             /* JSON {"Fe": "sha256", ...} */
    char trajectory[4096];                   /* labelled frames (extended XYZ), "" if none */
    int n_frames;
};

struct campaign_evaluator {
    const char *name;
    int (*evaluate)(const struct campaign_eval_input *in, struct campaign_eval_output *out);
};

extern const struct campaign_evaluator campaign_eval_dft;
extern const struct campaign_evaluator campaign_eval_toy;
extern const struct campaign_evaluator campaign_eval_lookup;
const struct campaign_evaluator *campaign_evaluator_for(enum campaign_calculator kind);

/* The input hash of one start: SHA-256 over the candidate's fingerprint with the start's
 * moments, the starting volume and c/a, the DFT protocol (not the calculator: a lookup
 * finds the DFT run of the same input) and the pseudopotentials' SHA-256 (pseudo_json, as
 * campaign_pseudopotentials gives). */
int campaign_run_hash(const struct campaign_config *cfg, const struct campaign_candidate *c,
                      const struct campaign_start *start, const char *pseudo_json, char hex[65]);
/* JSON {"El": "sha256"} of the pseudopotentials the DFT protocol uses for the elements of s
 * (the shipped library's files). */
int campaign_pseudopotentials(const ls_structure *s, char *json, size_t n);

void campaign_eval_output_clear(struct campaign_eval_output *out); /* frees `relaxed` */

/* The result file of a run (a checkpoint-format file, written atomically): written before the
 * database records the run, read back when a crash came in between.  Reading checks that the
 * file belongs to input_sha256. */
int campaign_result_file_write(const char *path, const char *input_sha256, const struct campaign_eval_output *o);
int campaign_result_file_read(const char *path, const char *input_sha256, struct campaign_eval_output *o);

/* Classify final moments: "nm" (all below 0.1 muB), "fm", "afm" (antiparallel, total below
 * 10 % of the absolute), "ferri". */
const char *campaign_order_found(int n_atom, const double *moments_mub);
const char *campaign_order_name(enum campaign_order o);

#endif
