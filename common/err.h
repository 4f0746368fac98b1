/* Status codes and the error record shared by every Lodestone module.
 *
 * Fallible functions return an int status: LS_OK (0) on success, otherwise one of
 * the codes below.  The function that detects a failure records a message for the
 * user with LS_ERROR / LS_ERROR_GOTO (code, source file and line, formatted text);
 * callers pass the status upwards unchanged, optionally prefixing context with
 * ls_error_prefix().  Only apps/ prints the message and maps the code to an exit code.
 *
 * The record is thread-local, so OpenMP workers that fail do not clobber each other.
 */
#ifndef LS_ERR_H
#define LS_ERR_H

#include <stdarg.h>

enum ls_status {
    LS_OK = 0,
    LS_ERR_INPUT,       /* malformed or unphysical input (file, key, value): exit 2 */
    LS_ERR_USAGE,       /* bad command line: exit 2 */
    LS_ERR_IO,          /* file cannot be opened, read or written: exit 2 */
    LS_ERR_NOMEM,       /* allocation failed: exit 1 */
    LS_ERR_NUMERIC,     /* numerical failure (singular matrix, NaN): exit 1 */
    LS_ERR_CONVERGENCE, /* iteration did not converge (results kept): exit 1 */
    LS_ERR_LIBRARY,     /* a foreign library reported an error: exit 1 */
    LS_ERR_UNSUPPORTED, /* valid input asking for something not implemented: exit 2 */
    LS_ERR_INTERNAL,    /* a bug: exit 1 */
    LS_ERR_INTERRUPTED, /* stopped by SIGTERM/SIGINT after saving a checkpoint: exit 3 */
    LS_ERR_LIMIT        /* stopped by a per-calculation limit the caller set (wall time, a cancel
                           callback; workflow/calc.h): nothing trustworthy computed, exit 1 */
};

#define LS_ERROR_MESSAGE_MAX 1024

/* Record an error and return `code`.  `src_file`/`src_line` name the C source that
 * detected it (for developers); the formatted message is for the user. */
int ls_error_set(int code, const char *src_file, int src_line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
int ls_error_vset(int code, const char *src_file, int src_line, const char *fmt, va_list ap);

/* Prepend context to the current message ("reading Fe.upf: " + old message). */
void ls_error_prefix(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

const char *ls_error_message(void); /* "" when no error is recorded */
int ls_error_code(void);
const char *ls_error_source(void); /* "common/poscar.c:123" of the detecting code */
void ls_error_clear(void);

/* Name of a status code ("bad input", ...). */
const char *ls_status_name(int status);
/* Process exit code for a status: 0 success, 1 failed computation, 2 bad input or usage,
 * 3 interrupted by a signal with the state saved (rerun with --restart). */
int ls_status_exit_code(int status);

/* Record and return from the current function. */
#define LS_ERROR(code, ...) return ls_error_set((code), __FILE__, __LINE__, __VA_ARGS__)
/* Record, store the code in `status`, and jump to the cleanup label. */
#define LS_ERROR_GOTO(status, code, label, ...)                                  \
    do {                                                                         \
        (status) = ls_error_set((code), __FILE__, __LINE__, __VA_ARGS__);        \
        goto label;                                                              \
    } while (0)
/* Evaluate a status expression; on failure store it and jump to the label. */
#define LS_TRY_GOTO(status, expr, label)                                         \
    do {                                                                         \
        (status) = (expr);                                                       \
        if ((status) != LS_OK) goto label;                                       \
    } while (0)
/* Evaluate a status expression; on failure return it. */
#define LS_TRY(expr)                                                             \
    do {                                                                         \
        int ls_try_status_ = (expr);                                             \
        if (ls_try_status_ != LS_OK) return ls_try_status_;                      \
    } while (0)

#endif
