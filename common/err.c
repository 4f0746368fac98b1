/* The thread-local error record; see err.h. */
#include "common/err.h"

#include <stdio.h>
#include <string.h>

static _Thread_local int err_code = LS_OK;
static _Thread_local char err_message[LS_ERROR_MESSAGE_MAX];
static _Thread_local char err_source[256];

int ls_error_vset(int code, const char *src_file, int src_line, const char *fmt, va_list ap)
{
    err_code = code;
    vsnprintf(err_message, sizeof err_message, fmt, ap);
    snprintf(err_source, sizeof err_source, "%s:%d", src_file ? src_file : "?", src_line);
    return code;
}

int ls_error_set(int code, const char *src_file, int src_line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    ls_error_vset(code, src_file, src_line, fmt, ap);
    va_end(ap);
    return code;
}

void ls_error_prefix(const char *fmt, ...)
{
    char prefix[LS_ERROR_MESSAGE_MAX];
    char old[LS_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    memcpy(old, err_message, sizeof old);
    size_t np = strlen(prefix);
    size_t no = strnlen(old, sizeof old - 1);
    if (np > sizeof err_message - 1) np = sizeof err_message - 1;
    if (no > sizeof err_message - 1 - np) no = sizeof err_message - 1 - np;
    memcpy(err_message, prefix, np);
    memcpy(err_message + np, old, no);
    err_message[np + no] = '\0';
}

const char *ls_error_message(void) { return err_message; }
int ls_error_code(void) { return err_code; }
const char *ls_error_source(void) { return err_source; }

void ls_error_clear(void)
{
    err_code = LS_OK;
    err_message[0] = '\0';
    err_source[0] = '\0';
}

const char *ls_status_name(int status)
{
    switch (status) {
    case LS_OK: return "success";
    case LS_ERR_INPUT: return "bad input";
    case LS_ERR_USAGE: return "usage";
    case LS_ERR_IO: return "i/o error";
    case LS_ERR_NOMEM: return "out of memory";
    case LS_ERR_NUMERIC: return "numerical failure";
    case LS_ERR_CONVERGENCE: return "not converged";
    case LS_ERR_LIBRARY: return "library error";
    case LS_ERR_UNSUPPORTED: return "unsupported";
    case LS_ERR_INTERNAL: return "internal error";
    case LS_ERR_INTERRUPTED: return "interrupted";
    case LS_ERR_LIMIT: return "stopped by a limit";
    default: return "unknown error";
    }
}

int ls_status_exit_code(int status)
{
    switch (status) {
    case LS_OK: return 0;
    case LS_ERR_INPUT:
    case LS_ERR_USAGE:
    case LS_ERR_IO:
    case LS_ERR_UNSUPPORTED: return 2;
    case LS_ERR_INTERRUPTED: return 3;
    default: return 1;
    }
}
