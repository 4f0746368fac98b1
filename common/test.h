/* A minimal unit-test harness: one executable per test_*.c file.
 *
 *     static void test_volume(void) { LS_CHECK_NEAR(ls_cell_volume(c), 270.0, 1e-12); }
 *     int main(void) { LS_RUN(test_volume); return ls_test_summary("test_structure"); }
 *
 * A test case fails if any check in it fails; the summary prints "NAME: P passed, F failed"
 * and returns the process exit code.  tools/run_tests.sh adds the counts of every binary.
 * Helpers for what many tests do: run the program and capture its output (ls_test_run), write a
 * fixture (ls_test_write_file), find a shipped pseudopotential (ls_test_pseudo), read a file or a
 * JSON number back (ls_test_slurp, ls_test_file_has, ls_test_json_number), scratch folders.
 * Tests run from the project root and read only files of the repository (the testdata/ folders,
 * inputs/): nothing from ../shared, which a clone does not have.
 */
#ifndef LS_TEST_H
#define LS_TEST_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/rng.h"

static int ls_test_passed_ = 0, ls_test_failed_ = 0, ls_test_case_failed_ = 0;
static const char *ls_test_current_ = "";

#define LS_CHECK(cond)                                                                        \
    do {                                                                                      \
        if (!(cond)) {                                                                        \
            fprintf(stderr, "  FAIL %s (%s:%d): %s\n", ls_test_current_, __FILE__, __LINE__, #cond); \
            ls_test_case_failed_ = 1;                                                         \
        }                                                                                     \
    } while (0)

#define LS_CHECK_MSG(cond, ...)                                                               \
    do {                                                                                      \
        if (!(cond)) {                                                                        \
            fprintf(stderr, "  FAIL %s (%s:%d): %s: ", ls_test_current_, __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                                     \
            fputc('\n', stderr);                                                              \
            ls_test_case_failed_ = 1;                                                         \
        }                                                                                     \
    } while (0)

#define LS_CHECK_NEAR(a, b, tol)                                                              \
    do {                                                                                      \
        double ls_a_ = (a), ls_b_ = (b), ls_t_ = (tol);                                       \
        if (!(fabs(ls_a_ - ls_b_) <= ls_t_)) {                                                \
            fprintf(stderr, "  FAIL %s (%s:%d): %s = %.15g, expected %s = %.15g within %.3g (diff %.3g)\n", \
                    ls_test_current_, __FILE__, __LINE__, #a, ls_a_, #b, ls_b_, ls_t_, ls_a_ - ls_b_); \
            ls_test_case_failed_ = 1;                                                         \
        }                                                                                     \
    } while (0)

/* Check a status: LS_CHECK_OK(f()) fails with the recorded error message. */
#define LS_CHECK_OK(expr)                                                                     \
    do {                                                                                      \
        int ls_s_ = (expr);                                                                   \
        if (ls_s_ != 0) {                                                                     \
            fprintf(stderr, "  FAIL %s (%s:%d): %s returned %d: %s\n", ls_test_current_,       \
                    __FILE__, __LINE__, #expr, ls_s_, ls_error_message());                    \
            ls_test_case_failed_ = 1;                                                         \
        }                                                                                     \
    } while (0)

#define LS_RUN(fn)                                                                            \
    do {                                                                                      \
        ls_test_current_ = #fn;                                                               \
        ls_test_case_failed_ = 0;                                                             \
        fn();                                                                                 \
        if (ls_test_case_failed_) ls_test_failed_++;                                          \
        else ls_test_passed_++;                                                               \
    } while (0)

static inline int ls_test_summary(const char *name)
{
    printf("%s: %d passed, %d failed\n", name, ls_test_passed_, ls_test_failed_);
    return ls_test_failed_ ? 1 : 0;
}

/* The program under test: $LODESTONE_BIN (set by `make test` / `make asan`), else build/lodestone. */
static inline const char *ls_test_bin(void)
{
    const char *b = getenv("LODESTONE_BIN");
    return b && *b ? b : "build/lodestone";
}

/* A scratch directory for files a test writes ($LODESTONE_TEST_TMP or build/tmp). */
static inline const char *ls_test_tmp_path(char *buf, size_t n, const char *name)
{
    const char *root = getenv("LODESTONE_TEST_TMP");
    snprintf(buf, n, "%s/%s", root && *root ? root : "build/tmp", name);
    return buf;
}

/* A scratch folder of its own for one test program: ls_test_tmp_path(NAME) into dir[n], emptied
 * and created. */
static inline void ls_test_fresh_dir(char *dir, size_t n, const char *name)
{
    ls_test_tmp_path(dir, n, name);
    char cmd[2200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", dir, dir);
    if (system(cmd) != 0) fprintf(stderr, "cannot make %s\n", dir);
}

/* A folder that the unprivileged user 'nobody' can reach (tests of permissions run as root drop
 * to nobody, who cannot traverse a checkout under a private folder such as a 0700 home or
 * mktemp -d): /tmp/lodestone-public.XXXXXX, mode 0755, into dir[n].  0 on success; remove it
 * with `rm -rf` when done. */
static inline int ls_test_public_dir(char *dir, size_t n)
{
    if (n < 32) return -1;
    snprintf(dir, n, "/tmp/lodestone-public.XXXXXX");
    if (mkdtemp(dir) == NULL) return -1;
    return chmod(dir, 0755);
}

/* DIR/NAME in one of 8 rotating buffers, so that several can stand in one expression. */
static inline const char *ls_test_in_dir(const char *dir, const char *name)
{
    static char buf[8][1100];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

/* A seeded random sequence for tests that pick a random moment (the seed is printed, so a
 * failure can be repeated): SplitMix64 of common/rng.h. */
static inline uint64_t ls_test_splitmix(uint64_t *state) { return ls_splitmix64(state); }

static inline void ls_test_sleep(double seconds)
{
    struct timespec ts = {(time_t)seconds, (long)((seconds - (time_t)seconds) * 1e9)};
    nanosleep(&ts, NULL);
}

/* Start `/bin/sh -c cmd` in the background (tests that signal or kill a running program):
 * the child's pid, or -1 when fork failed. */
static inline pid_t ls_test_spawn(const char *cmd)
{
    pid_t pid = fork();
    if (pid == 0) {
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    return pid;
}

/* The whole file as a NUL-terminated string (the caller frees it), or NULL if unreadable. */
static inline char *ls_test_slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) return NULL;
    char *text = NULL;
    size_t len = 0, cap = 0, got;
    char chunk[4096];
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (len + got + 1 > cap) {
            size_t ncap = cap ? 2 * cap : 8192;
            while (ncap < len + got + 1) ncap *= 2;
            char *t = realloc(text, ncap);
            if (t == NULL) {
                free(text);
                fclose(f);
                return NULL;
            }
            text = t;
            cap = ncap;
        }
        memcpy(text + len, chunk, got);
        len += got;
    }
    fclose(f);
    if (text == NULL) text = calloc(1, 1);
    else text[len] = '\0';
    return text;
}

/* Run the program under test: `/bin/sh -c "cd DIR && BIN ARGS > OUT 2> ERR"` (dir NULL: the current
 * folder; out or err NULL: /dev/null), with BIN = ls_test_bin() made absolute.  ARGS are shell
 * words (quote paths with spaces).  Returns the exit code, or -1 when the program did not exit
 * (killed by a signal: a crash). */
static inline int ls_test_run(const char *dir, const char *args, const char *out_path, const char *err_path)
{
    char bin[4096], cmd[16384];
    const char *b = ls_test_bin();
    if (b[0] == '/' || realpath(b, bin) == NULL) snprintf(bin, sizeof bin, "%s", b);
    int w = snprintf(cmd, sizeof cmd, "%s%s%s'%s' %s > '%s' 2> '%s'", dir ? "cd '" : "", dir ? dir : "", dir ? "' && " : "",
                     bin, args, out_path ? out_path : "/dev/null", err_path ? err_path : "/dev/null");
    if (w < 0 || (size_t)w >= sizeof cmd) {
        fprintf(stderr, "ls_test_run: command too long\n");
        return -1;
    }
    int rc = system(cmd);
    return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

/* A fixture: `text` written to `path` (the test program stops when it cannot). */
static inline void ls_test_write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0) {
        fprintf(stderr, "cannot write the fixture %s\n", path);
        exit(1);
    }
}

/* The shipped pseudopotential of `element`: inputs/pseudo/pd04-pbe-sr/<El>.upf of the repository
 * (tests run in its root: `make test`), or of $LODESTONE_DATA when that is set. */
static inline const char *ls_test_pseudo(char *buf, size_t n, const char *element)
{
    const char *data = getenv("LODESTONE_DATA");
    snprintf(buf, n, "%s/pseudo/pd04-pbe-sr/%s.upf", data && *data ? data : "inputs", element);
    return buf;
}

/* The number after "KEY": in a JSON text (NAN if absent or text is NULL). */
static inline double ls_test_json_number(const char *text, const char *key)
{
    char pat[256];
    snprintf(pat, sizeof pat, "\"%s\": ", key);
    const char *p = text ? strstr(text, pat) : NULL;
    return p ? strtod(p + strlen(pat), NULL) : NAN;
}

/* How often `what` occurs in `text` (0 for NULL text). */
static inline int ls_test_count(const char *text, const char *what)
{
    int n = 0;
    for (const char *p = text; p && (p = strstr(p, what)) != NULL; p += strlen(what)) n++;
    return n;
}

/* 1 when the file at `path` contains `what` (0 if it cannot be read). */
static inline int ls_test_file_has(const char *path, const char *what)
{
    char *text = ls_test_slurp(path);
    int hit = text && strstr(text, what) != NULL;
    free(text);
    return hit;
}

#endif
