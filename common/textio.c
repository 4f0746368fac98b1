/* Line reading and strict number parsing; see textio.h. */
#define _POSIX_C_SOURCE 200809L
#include "common/textio.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/err.h"

static int reader_new(FILE *fp, const char *name, int owns, ls_text_reader **out)
{
    ls_text_reader *r = calloc(1, sizeof *r);
    if (r == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    size_t n = strlen(name) + 1;
    r->path = malloc(n);
    if (r->path == NULL) {
        free(r);
        LS_ERROR(LS_ERR_NOMEM, "out of memory");
    }
    memcpy(r->path, name, n);
    r->fp = fp;
    r->owns_fp = owns;
    *out = r;
    return LS_OK;
}

/* Refuse what is not a file one reads to its end: a directory, a device (/dev/zero, /dev/urandom
 * never end), a socket.  Regular files and pipes (FIFOs, process substitution) are fine. */
static int check_readable_kind(FILE *fp, const char *path, int *regular)
{
    struct stat st;
    if (fstat(fileno(fp), &st) != 0) LS_ERROR(LS_ERR_IO, "cannot read '%s': %s", path, strerror(errno));
    if (regular) *regular = S_ISREG(st.st_mode);
    if (S_ISREG(st.st_mode) || S_ISFIFO(st.st_mode)) return LS_OK;
    const char *kind = S_ISDIR(st.st_mode)   ? "a directory"
                       : S_ISCHR(st.st_mode) ? "a character device"
                       : S_ISBLK(st.st_mode) ? "a block device"
                                             : "not a regular file";
    LS_ERROR(LS_ERR_IO, "cannot read '%s': it is %s, not a file", path, kind);
}

int ls_text_open(const char *path, ls_text_reader **out)
{
    *out = NULL;
    FILE *fp = fopen(path, "r");
    if (fp == NULL) LS_ERROR(LS_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
    int status = check_readable_kind(fp, path, NULL);
    if (status == LS_OK) status = reader_new(fp, path, 1, out);
    if (status != LS_OK) fclose(fp);
    return status;
}

long long ls_text_bytes_left(const ls_text_reader *r)
{
    struct stat st;
    if (fstat(fileno(r->fp), &st) != 0 || !S_ISREG(st.st_mode)) return -1;
    long pos = ftell(r->fp);
    if (pos < 0) return -1;
    return (long long)st.st_size > pos ? (long long)st.st_size - pos : 0;
}

int ls_text_check_count(const ls_text_reader *r, long long count, int min_bytes, const char *what)
{
    long long left = ls_text_bytes_left(r);
    if (left >= 0 && count > 0 && (double)count * min_bytes > (double)left + min_bytes)
        return ls_text_error(r, "%lld %s announced, but the rest of the file (%lld bytes) cannot hold them: is the "
                             "count right, or the file truncated?", count, what, left);
    return LS_OK;
}

int ls_text_wrap(FILE *fp, const char *name, ls_text_reader **out)
{
    *out = NULL;
    return reader_new(fp, name, 0, out);
}

void ls_text_close(ls_text_reader *r)
{
    if (r == NULL) return;
    if (r->owns_fp && r->fp) fclose(r->fp);
    free(r->line);
    free(r->path);
    free(r);
}

/* One line into r->line (with its newline), at most LS_TEXT_LINE_MAX bytes: the length, -1 at
 * the end of the file, -2 for a line too long. */
static long read_line(ls_text_reader *r)
{
    size_t n = 0;
    int c = 0;
    flockfile(r->fp);
    while ((c = getc_unlocked(r->fp)) != EOF) {
        if (n + 2 > r->cap) {
            if (r->cap >= LS_TEXT_LINE_MAX) {
                funlockfile(r->fp);
                return -2;
            }
            size_t cap = r->cap ? 2 * r->cap : 256;
            if (cap > LS_TEXT_LINE_MAX) cap = LS_TEXT_LINE_MAX;
            char *grown = realloc(r->line, cap);
            if (grown == NULL) {
                funlockfile(r->fp);
                return -3;
            }
            r->line = grown;
            r->cap = cap;
        }
        r->line[n++] = (char)c;
        if (c == '\n') break;
    }
    funlockfile(r->fp);
    if (n == 0 && c == EOF) return -1;
    r->line[n] = '\0';
    return (long)n;
}

int ls_text_next(ls_text_reader *r, char **line)
{
    *line = NULL;
    errno = 0;
    long n = read_line(r);
    if (n == -3) LS_ERROR(LS_ERR_NOMEM, "out of memory reading line %ld of %s", r->line_no + 1, r->path);
    if (n == -2) {
        r->line_no++;
        return ls_text_error(r, "a line longer than %d MB: is this a text file of the expected kind?",
                             LS_TEXT_LINE_MAX >> 20);
    }
    if (n < 0) {
        if (ferror(r->fp)) LS_ERROR(LS_ERR_IO, "%s: read error after line %ld: %s", r->path, r->line_no, strerror(errno));
        return LS_OK;
    }
    r->line_no++;
    while (n > 0 && (r->line[n - 1] == '\n' || r->line[n - 1] == '\r')) r->line[--n] = '\0';
    if (memchr(r->line, '\0', (size_t)n) != NULL)
        return ls_text_error(r, "the file contains a NUL byte: is it a text file?");
    *line = r->line;
    return LS_OK;
}

int ls_text_expect(ls_text_reader *r, const char *what, char **line)
{
    LS_TRY(ls_text_next(r, line));
    if (*line == NULL) {
        r->line_no++;
        return ls_text_error(r, "unexpected end of file, expected %s (is the file truncated?)", what);
    }
    return LS_OK;
}

int ls_text_error(const ls_text_reader *r, const char *fmt, ...)
{
    char msg[LS_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return ls_error_set(LS_ERR_INPUT, __FILE__, __LINE__, "%s:%ld: %s", r->path, r->line_no, msg);
}

int ls_text_split(char *line, char **tok, int max_tok)
{
    int n = 0;
    char *p = line;
    while (*p && n < max_tok) {
        while (*p && isspace((unsigned char)*p)) p++;
        if (!*p) break;
        tok[n++] = p;
        if (n == max_tok) break;
        while (*p && !isspace((unsigned char)*p)) p++;
        if (*p) *p++ = '\0';
    }
    return n;
}

int ls_parse_double(const char *tok, double *value)
{
    if (tok == NULL || *tok == '\0') return -1;
    char buf[128];
    size_t n = strlen(tok);
    if (n >= sizeof buf) return -1;
    memcpy(buf, tok, n + 1);
    for (size_t i = 0; i < n; i++)
        if (buf[i] == 'd' || buf[i] == 'D') buf[i] = 'e';
    char *end = NULL;
    errno = 0;
    double v = strtod(buf, &end);
    if (end == buf || *end != '\0' || errno == ERANGE || !isfinite(v)) return -1;
    /* strtod accepts "nan", "inf", hex: only finite decimal numbers are wanted. */
    for (size_t i = 0; i < n; i++)
        if (buf[i] == 'x' || buf[i] == 'X' || buf[i] == 'n' || buf[i] == 'N' || buf[i] == 'i' || buf[i] == 'I')
            return -1;
    *value = v;
    return 0;
}

int ls_parse_long(const char *tok, long *value)
{
    if (tok == NULL || *tok == '\0') return -1;
    char *end = NULL;
    errno = 0;
    long v = strtol(tok, &end, 10);
    if (end == tok || *end != '\0' || errno == ERANGE) return -1;
    *value = v;
    return 0;
}

int ls_text_parse_double(const ls_text_reader *r, const char *tok, const char *what, double *value)
{
    if (ls_parse_double(tok, value) != 0)
        return ls_text_error(r, "expected %s (a number), found '%s'", what, tok ? tok : "nothing");
    return LS_OK;
}

int ls_text_parse_int(const ls_text_reader *r, const char *tok, const char *what, int *value)
{
    long v;
    if (ls_parse_long(tok, &v) != 0 || v < INT_MIN || v > INT_MAX)
        return ls_text_error(r, "expected %s (a whole number), found '%s'", what, tok ? tok : "nothing");
    *value = (int)v;
    return LS_OK;
}

int ls_file_read_all(const char *path, char **text, size_t *length)
{
    *text = NULL;
    FILE *fp = fopen(path, "rb");
    if (fp == NULL) LS_ERROR(LS_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
    int regular = 0;
    int kind = check_readable_kind(fp, path, &regular);
    if (kind != LS_OK) {
        fclose(fp);
        return kind;
    }
    size_t cap = 1 << 16, n = 0;
    struct stat st;
    if (regular && fstat(fileno(fp), &st) == 0 && (size_t)st.st_size + 2 > cap) cap = (size_t)st.st_size + 2;
    char *buf = malloc(cap);
    while (buf) {
        if (!regular && cap > LS_FILE_STREAM_MAX) { /* a pipe that does not end */
            free(buf);
            fclose(fp);
            LS_ERROR(LS_ERR_INPUT, "%s: more than %d MB from a pipe: is it the file meant?", path,
                     (int)(LS_FILE_STREAM_MAX >> 20));
        }
        size_t got = fread(buf + n, 1, cap - n - 1, fp);
        n += got;
        if (n + 1 < cap) break;
        char *grown = realloc(buf, 2 * cap);
        if (grown == NULL) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = grown;
        cap *= 2;
    }
    int err = ferror(fp);
    fclose(fp);
    if (buf == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory reading '%s'", path);
    if (err) {
        free(buf);
        LS_ERROR(LS_ERR_IO, "read error on '%s'", path);
    }
    buf[n] = '\0';
    *text = buf;
    if (length) *length = n;
    return LS_OK;
}

int ls_file_write_atomic(const char *path, const void *data, size_t length)
{
    char tmp[4096];
    if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof tmp)
        LS_ERROR(LS_ERR_IO, "path too long: '%s'", path);
    FILE *fp = fopen(tmp, "wb");
    if (fp == NULL) LS_ERROR(LS_ERR_IO, "cannot write '%s': %s", tmp, strerror(errno));
    int ok = fwrite(data, 1, length, fp) == length;
    ok = ok && fflush(fp) == 0;
    ok = ok && fsync(fileno(fp)) == 0;
    ok = (fclose(fp) == 0) && ok;
    if (!ok || rename(tmp, path) != 0) {
        int e = errno;
        remove(tmp);
        LS_ERROR(LS_ERR_IO, "cannot write '%s': %s", path, strerror(e));
    }
    return LS_OK;
}

int ls_list_has(const char *list, char sep, const char *word)
{
    if (list == NULL) return 0;
    size_t n = strlen(word);
    for (const char *p = list; *p;) {
        const char *e = strchr(p, sep);
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && strncmp(p, word, n) == 0) return 1;
        p = e ? e + 1 : p + len;
    }
    return 0;
}

const char *ls_path_basename(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

void ls_path_with_suffix(const char *path, const char *suffix, char *out, size_t size)
{
    const char *base = ls_path_basename(path);
    const char *dot = strrchr(base, '.');
    int len = dot && dot != base ? (int)(dot - path) : (int)strlen(path);
    snprintf(out, size, "%.*s%s", len, path, suffix);
}

const char *ls_path_extension(const char *path)
{
    static _Thread_local char ext[16];
    const char *base = ls_path_basename(path);
    const char *dot = strrchr(base, '.');
    ext[0] = '\0';
    if (dot == NULL || dot == base) return ext;
    size_t n = strlen(dot + 1);
    if (n >= sizeof ext) return ext;
    for (size_t i = 0; i <= n; i++) ext[i] = (char)tolower((unsigned char)dot[1 + i]);
    return ext;
}

struct named_index {
    const char *name;
    int index;
};

static _Thread_local int (*dup_cmp)(const char *, const char *);

static int cmp_named(const void *a, const void *b)
{
    const struct named_index *x = a, *y = b;
    int c = dup_cmp(x->name, y->name);
    if (c != 0) return c;
    return x->index < y->index ? -1 : x->index > y->index;
}

int ls_find_duplicate(const char *const *names, int n, int (*cmp)(const char *, const char *), int *earlier)
{
    *earlier = -1;
    if (n < 2) return -1;
    if (n <= 16) { /* the common case (a few keys): no allocation */
        for (int i = 1; i < n; i++)
            for (int j = 0; j < i; j++)
                if (cmp(names[j], names[i]) == 0) {
                    *earlier = j;
                    return i;
                }
        return -1;
    }
    struct named_index *v = malloc((size_t)n * sizeof *v);
    if (v == NULL) {
        *earlier = -2;
        return -1;
    }
    for (int i = 0; i < n; i++) v[i] = (struct named_index){names[i], i};
    dup_cmp = cmp;
    qsort(v, (size_t)n, sizeof *v, cmp_named);
    int best = -1;
    for (int i = 1; i < n; i++)
        if (cmp(v[i - 1].name, v[i].name) == 0 && (i < 2 || cmp(v[i - 2].name, v[i].name) != 0) &&
            (best < 0 || v[i].index < best)) {
            best = v[i].index;
            *earlier = v[i - 1].index;
        }
    free(v);
    return best;
}
