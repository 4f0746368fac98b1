/* Logging and progress lines; see log.h. */
#define _POSIX_C_SOURCE 200809L
#include "common/log.h"

#include "common/parallel.h"

#include <stdarg.h>
#include <string.h>
#include <time.h>

static enum ls_log_level log_level = LS_LOG_INFO;
static FILE *log_stream = NULL;
static long n_warnings = 0;

void ls_log_set_level(enum ls_log_level level) { log_level = level; }
enum ls_log_level ls_log_get_level(void) { return log_level; }
void ls_log_set_stream(FILE *stream) { log_stream = stream; }
FILE *ls_log_stream(void) { return log_stream ? log_stream : stderr; }
long ls_log_warning_count(void) { return n_warnings; }

void ls_log(enum ls_log_level level, const char *fmt, ...)
{
    if (level == LS_LOG_WARN) {
#pragma omp atomic
        n_warnings++;
    }
    if (level > log_level) return;
    /* In a parallel run only rank 0 logs (the ranks hold the same state); a rank's own failure
     * reaches the user through apps/main.c. */
    if (ls_par_rank() != 0) return;
    static const char *const prefix[] = {"error: ", "warning: ", "", "debug: "};
    char buf[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    FILE *f = ls_log_stream();
    /* One fprintf per line so lines from threads do not interleave. */
    fprintf(f, "%s%s\n", level >= LS_LOG_ERROR && level <= LS_LOG_DEBUG ? prefix[level] : "", buf);
    fflush(f);
}

double ls_wall_time(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

double ls_cpu_time(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void ls_progress_start(struct ls_progress *p, const char *what, long total)
{
    memset(p, 0, sizeof *p);
    snprintf(p->what, sizeof p->what, "%s", what);
    p->total = total;
    p->t_start = p->t_last = ls_wall_time();
    p->interval_s = 5.0;
}

static void progress_print(struct ls_progress *p, double now)
{
    double elapsed = now - p->t_start;
    double pct = p->total > 0 ? 100.0 * (double)p->done / (double)p->total : 0.0;
    if (p->done > 0 && p->done < p->total) {
        double eta = elapsed * (double)(p->total - p->done) / (double)p->done;
        ls_log_info("%s: %ld/%ld (%.0f%%), %.1f s elapsed, about %.0f s left", p->what, p->done,
                    p->total, pct, elapsed, eta);
    } else {
        ls_log_info("%s: %ld/%ld (%.0f%%), %.1f s elapsed", p->what, p->done, p->total, pct, elapsed);
    }
    p->t_last = now;
}

void ls_progress_update(struct ls_progress *p, long done)
{
    p->done = done;
    double now = ls_wall_time();
    if (now - p->t_last >= p->interval_s) progress_print(p, now);
}

void ls_progress_finish(struct ls_progress *p)
{
    p->done = p->total;
    progress_print(p, ls_wall_time());
}
