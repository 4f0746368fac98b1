/* Streaming JSON writer; see json.h. */
#define _POSIX_C_SOURCE 200809L
#include "common/json.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/textio.h"

#define JSON_MAX_DEPTH 64

struct ls_json {
    FILE *fp;        /* where text goes: the caller's stream or a memory stream */
    char *path;      /* non-NULL when writing a file atomically at close */
    char *mem;
    size_t mem_len;
    int depth;
    int count[JSON_MAX_DEPTH]; /* items written at each depth */
    char kind[JSON_MAX_DEPTH]; /* '{' or '[' */
    int broken;                /* misuse detected (unbalanced, too deep) */
};

int ls_json_open_file(const char *path, ls_json **out)
{
    *out = NULL;
    ls_json *j = calloc(1, sizeof *j);
    if (j == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    size_t n = strlen(path) + 1;
    j->path = malloc(n);
    if (j->path) memcpy(j->path, path, n);
    j->fp = open_memstream(&j->mem, &j->mem_len);
    if (j->path == NULL || j->fp == NULL) {
        ls_json_abort(j);
        LS_ERROR(LS_ERR_NOMEM, "out of memory");
    }
    *out = j;
    return LS_OK;
}

int ls_json_wrap(FILE *fp, ls_json **out)
{
    *out = calloc(1, sizeof **out);
    if (*out == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    (*out)->fp = fp;
    return LS_OK;
}

void ls_json_abort(ls_json *j)
{
    if (j == NULL) return;
    if (j->path) {
        if (j->fp) fclose(j->fp);
        free(j->mem);
        free(j->path);
    }
    free(j);
}

int ls_json_close(ls_json *j)
{
    int status = LS_OK;
    if (j->broken || j->depth != 0) {
        ls_json_abort(j);
        LS_ERROR(LS_ERR_INTERNAL, "JSON writer used with unbalanced objects or arrays");
    }
    fputc('\n', j->fp);
    if (j->path) {
        fclose(j->fp);
        j->fp = NULL;
        status = ls_file_write_atomic(j->path, j->mem, j->mem_len);
    } else {
        fflush(j->fp);
    }
    ls_json_abort(j);
    return status;
}

static void write_string(FILE *fp, const char *s)
{
    fputc('"', fp);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", fp); break;
        case '\\': fputs("\\\\", fp); break;
        case '\n': fputs("\\n", fp); break;
        case '\t': fputs("\\t", fp); break;
        case '\r': fputs("\\r", fp); break;
        default:
            if (*p < 0x20) fprintf(fp, "\\u%04x", *p);
            else fputc(*p, fp);
        }
    }
    fputc('"', fp);
}

/* Separator, indentation and key for the next item. */
static void item_start(ls_json *j, const char *key)
{
    if (j->depth > 0) {
        if (j->count[j->depth - 1]++ > 0) fputc(',', j->fp);
        fputc('\n', j->fp);
        for (int i = 0; i < j->depth; i++) fputs("  ", j->fp);
        if (j->kind[j->depth - 1] == '{') {
            if (key == NULL) {
                j->broken = 1;
                key = "?";
            }
            write_string(j->fp, key);
            fputs(": ", j->fp);
        }
    }
}

static void open_container(ls_json *j, const char *key, char kind)
{
    item_start(j, key);
    fputc(kind, j->fp);
    if (j->depth >= JSON_MAX_DEPTH) {
        j->broken = 1;
        return;
    }
    j->kind[j->depth] = kind;
    j->count[j->depth] = 0;
    j->depth++;
}

static void close_container(ls_json *j, char kind)
{
    if (j->depth == 0 || j->kind[j->depth - 1] != kind) {
        j->broken = 1;
        return;
    }
    j->depth--;
    if (j->count[j->depth] > 0) {
        fputc('\n', j->fp);
        for (int i = 0; i < j->depth; i++) fputs("  ", j->fp);
    }
    fputc(kind == '{' ? '}' : ']', j->fp);
}

void ls_json_object_begin(ls_json *j, const char *key) { open_container(j, key, '{'); }
void ls_json_object_end(ls_json *j) { close_container(j, '{'); }
void ls_json_array_begin(ls_json *j, const char *key) { open_container(j, key, '['); }
void ls_json_array_end(ls_json *j) { close_container(j, '['); }

static void raw_number(FILE *fp, double v)
{
    if (!isfinite(v)) fputs("null", fp);
    else if (v == floor(v) && fabs(v) < 1e15) fprintf(fp, "%.1f", v);
    else fprintf(fp, "%.17g", v);
}

void ls_json_number(ls_json *j, const char *key, double value)
{
    item_start(j, key);
    raw_number(j->fp, value);
}

void ls_json_int(ls_json *j, const char *key, long value)
{
    item_start(j, key);
    fprintf(j->fp, "%ld", value);
}

void ls_json_bool(ls_json *j, const char *key, int value)
{
    item_start(j, key);
    fputs(value ? "true" : "false", j->fp);
}

void ls_json_string(ls_json *j, const char *key, const char *value)
{
    item_start(j, key);
    if (value) write_string(j->fp, value);
    else fputs("null", j->fp);
}

void ls_json_null(ls_json *j, const char *key)
{
    item_start(j, key);
    fputs("null", j->fp);
}

/* Short numeric arrays on one line keep outputs readable. */
void ls_json_number_array(ls_json *j, const char *key, const double *values, long n)
{
    item_start(j, key);
    fputc('[', j->fp);
    for (long i = 0; i < n; i++) {
        if (i) fputs(", ", j->fp);
        raw_number(j->fp, values[i]);
    }
    fputc(']', j->fp);
}

void ls_json_int_array(ls_json *j, const char *key, const int *values, long n)
{
    item_start(j, key);
    fputc('[', j->fp);
    for (long i = 0; i < n; i++) fprintf(j->fp, i ? ", %d" : "%d", values[i]);
    fputc(']', j->fp);
}

void ls_json_matrix(ls_json *j, const char *key, const double *values, long rows, long cols)
{
    ls_json_array_begin(j, key);
    for (long r = 0; r < rows; r++) ls_json_number_array(j, NULL, values + r * cols, cols);
    ls_json_array_end(j);
}
