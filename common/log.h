/* Logging with levels, and a progress line for long work.
 *
 * Library code reports through these functions (never to stdout); the stream defaults to
 * stderr and apps/ may redirect it.  Lines are plain text, one event per line, so that
 * batch-job logs stay readable: "[lodestone] warning: ...".  In a parallel (MPI) run only rank 0
 * writes (common/parallel.h); warnings are counted on every rank.
 */
#ifndef LS_LOG_H
#define LS_LOG_H

#include <stdio.h>

enum ls_log_level { LS_LOG_QUIET = -1, LS_LOG_ERROR = 0, LS_LOG_WARN, LS_LOG_INFO, LS_LOG_DEBUG };

void ls_log_set_level(enum ls_log_level level);
enum ls_log_level ls_log_get_level(void);
void ls_log_set_stream(FILE *stream); /* NULL restores stderr */
FILE *ls_log_stream(void);

void ls_log(enum ls_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define ls_log_error(...) ls_log(LS_LOG_ERROR, __VA_ARGS__)
#define ls_log_warn(...) ls_log(LS_LOG_WARN, __VA_ARGS__)
#define ls_log_info(...) ls_log(LS_LOG_INFO, __VA_ARGS__)
#define ls_log_debug(...) ls_log(LS_LOG_DEBUG, __VA_ARGS__)

/* Number of warnings logged since start (tests and summaries use it). */
long ls_log_warning_count(void);

/* Wall-clock time in seconds (monotonic). */
double ls_wall_time(void);
/* CPU time of this process in seconds (all its threads). */
double ls_cpu_time(void);

/* Progress of a loop with a known number of steps: prints "what: done/total (pct%),
 * elapsed, ETA" at most every `interval_s` seconds (and at the end) at INFO level. */
struct ls_progress {
    char what[64];
    long total;
    long done;
    double t_start;
    double t_last;
    double interval_s;
};
void ls_progress_start(struct ls_progress *p, const char *what, long total);
void ls_progress_update(struct ls_progress *p, long done);
void ls_progress_finish(struct ls_progress *p);

#endif
