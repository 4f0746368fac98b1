/* CSV tables with a header row; see csv.h for the accepted format. */
#include "common/csv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/textio.h"

/* Growable list of strings. */
struct strvec {
    char **v;
    long n, cap;
};

static int strvec_push(struct strvec *s, const char *text, size_t len)
{
    if (s->n == s->cap) {
        long cap = s->cap ? 2 * s->cap : 64;
        char **v = realloc(s->v, (size_t)cap * sizeof *v);
        if (v == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory reading a CSV table");
        s->v = v;
        s->cap = cap;
    }
    char *c = malloc(len + 1);
    if (c == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory reading a CSV table");
    memcpy(c, text, len);
    c[len] = '\0';
    s->v[s->n++] = c;
    return LS_OK;
}

static void strvec_free(struct strvec *s)
{
    for (long i = 0; i < s->n; i++) free(s->v[i]);
    free(s->v);
    s->v = NULL;
    s->n = s->cap = 0;
}

/* Parse one record starting at text[*pos]; fields appended to `fields`, field buffer `buf`
 * (capacity at least strlen(text)+1).  Advances *pos past the record's line end and
 * *line past every line break consumed. */
static int parse_record(const char *name, const char *text, size_t *pos, long *line, char *buf,
                        struct strvec *fields)
{
    size_t p = *pos;
    long start_line = *line;
    for (;;) {
        /* One field. */
        size_t len = 0;
        while (text[p] == ' ' || text[p] == '\t') p++;
        if (text[p] == '"') {
            p++;
            for (;;) {
                char c = text[p];
                if (c == '\0')
                    LS_ERROR(LS_ERR_INPUT, "%s:%ld: quoted field never closed (fix: add the closing '\"')",
                             name, start_line);
                if (c == '"') {
                    if (text[p + 1] == '"') {
                        buf[len++] = '"';
                        p += 2;
                        continue;
                    }
                    p++;
                    break;
                }
                if (c == '\n') (*line)++;
                buf[len++] = c;
                p++;
            }
            while (text[p] == ' ' || text[p] == '\t') p++;
            if (text[p] != ',' && text[p] != '\n' && text[p] != '\r' && text[p] != '\0')
                LS_ERROR(LS_ERR_INPUT, "%s:%ld: text after a closing quote (fix: quote the whole field, "
                         "writing a quote inside as \"\")", name, *line);
        } else {
            while (text[p] != ',' && text[p] != '\n' && text[p] != '\0' &&
                   !(text[p] == '\r' && (text[p + 1] == '\n' || text[p + 1] == '\0'))) {
                if (text[p] == '"')
                    LS_ERROR(LS_ERR_INPUT, "%s:%ld: stray '\"' inside an unquoted field (fix: quote the "
                             "field and double the quote)", name, *line);
                buf[len++] = text[p++];
            }
            while (len > 0 && (buf[len - 1] == ' ' || buf[len - 1] == '\t')) len--;
        }
        LS_TRY(strvec_push(fields, buf, len));
        if (text[p] == ',') {
            p++;
            continue;
        }
        if (text[p] == '\r') p++;
        if (text[p] == '\n') {
            p++;
            (*line)++;
        }
        break;
    }
    *pos = p;
    return LS_OK;
}

/* Skip empty lines and comment lines; returns 1 if a record starts at *pos. */
static int skip_blank(const char *text, size_t *pos, long *line)
{
    size_t p = *pos;
    for (;;) {
        size_t q = p;
        while (text[q] == ' ' || text[q] == '\t' || text[q] == '\r') q++;
        if (text[q] == '\n') {
            p = q + 1;
            (*line)++;
            continue;
        }
        if (text[q] == '#') {
            while (text[q] != '\n' && text[q] != '\0') q++;
            if (text[q] == '\n') {
                q++;
                (*line)++;
            }
            p = q;
            continue;
        }
        *pos = p;
        return text[q] != '\0';
    }
}

int ls_csv_parse(const char *text, const char *name, ls_csv **out)
{
    int status = LS_OK;
    struct strvec fields = {0};
    ls_csv *t = NULL;
    char *buf = NULL;
    long *lines = NULL;
    *out = NULL;

    size_t n_text = strlen(text);
    buf = malloc(n_text + 1);
    t = calloc(1, sizeof *t);
    if (buf == NULL || t == NULL) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory reading '%s'", name);
    t->path = malloc(strlen(name) + 1);
    if (t->path == NULL) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory reading '%s'", name);
    strcpy(t->path, name);

    size_t pos = 0;
    long line = 1;
    if ((unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB && (unsigned char)text[2] == 0xBF) pos = 3;
    if (!skip_blank(text, &pos, &line))
        LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "%s: no header row: the file is empty (fix: the first line "
                      "names the columns, e.g. 'x1,x2,y')", name);
    long header_line = line;
    LS_TRY_GOTO(status, parse_record(name, text, &pos, &line, buf, &fields), done);
    t->n_col = (int)fields.n;
    for (int j = 0; j < t->n_col; j++)
        if (fields.v[j][0] == '\0')
            LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "%s:%ld: header column %d has no name (fix: name every "
                          "column, or remove the trailing comma)", name, header_line, j + 1);
    int earlier, twice = ls_find_duplicate((const char *const *)fields.v, t->n_col, strcmp, &earlier);
    if (earlier == -2) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory reading '%s'", name);
    if (twice >= 0)
        LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "%s:%ld: column name '%s' appears twice in the header "
                      "(fix: rename one of them)", name, header_line, fields.v[twice]);
    t->names = fields.v;
    fields.v = NULL;
    fields.n = fields.cap = 0;

    long cap_rows = 0;
    while (skip_blank(text, &pos, &line)) {
        long row_line = line;
        long before = fields.n;
        LS_TRY_GOTO(status, parse_record(name, text, &pos, &line, buf, &fields), done);
        long got = fields.n - before;
        if (got != t->n_col)
            LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "%s:%ld: %ld field%s, but the header has %d columns "
                          "(fix: give every row one value per column; quote values that contain commas)",
                          name, row_line, got, got == 1 ? "" : "s", t->n_col);
        if (t->n_row == cap_rows) {
            cap_rows = cap_rows ? 2 * cap_rows : 256;
            long *l2 = realloc(lines, (size_t)cap_rows * sizeof *l2);
            if (l2 == NULL) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory reading '%s'", name);
            lines = l2;
        }
        lines[t->n_row++] = row_line;
    }
    t->cell = fields.v;
    fields.v = NULL;
    fields.n = fields.cap = 0;
    t->line_no = lines;
    lines = NULL;
    size_t n_cells = (size_t)t->n_row * (size_t)t->n_col;
    t->num = malloc((n_cells ? n_cells : 1) * sizeof *t->num);
    if (t->num == NULL) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory reading '%s'", name);
    for (size_t i = 0; i < n_cells; i++)
        if (ls_parse_double(t->cell[i], &t->num[i]) != 0) t->num[i] = NAN;
    *out = t;
    t = NULL;
done:
    strvec_free(&fields);
    free(lines);
    free(buf);
    ls_csv_destroy(t);
    return status;
}

int ls_csv_read(const char *path, ls_csv **out)
{
    *out = NULL;
    char *text = NULL;
    size_t len = 0;
    LS_TRY(ls_file_read_all(path, &text, &len));
    if (strlen(text) != len) {
        free(text);
        LS_ERROR(LS_ERR_INPUT, "%s: contains NUL bytes: not a text CSV file (fix: export the table as CSV)", path);
    }
    int status = ls_csv_parse(text, path, out);
    free(text);
    return status;
}

void ls_csv_destroy(ls_csv *t)
{
    if (t == NULL) return;
    if (t->names)
        for (int j = 0; j < t->n_col; j++) free(t->names[j]);
    if (t->cell)
        for (long i = 0; i < t->n_row * t->n_col; i++) free(t->cell[i]);
    free(t->names);
    free(t->cell);
    free(t->num);
    free(t->line_no);
    free(t->path);
    free(t);
}

int ls_csv_column(const ls_csv *t, const char *name)
{
    for (int j = 0; j < t->n_col; j++)
        if (strcmp(t->names[j], name) == 0) return j;
    return -1;
}

int ls_csv_require_column(const ls_csv *t, const char *name, int *col)
{
    *col = ls_csv_column(t, name);
    if (*col >= 0) return LS_OK;
    char list[512];
    size_t used = 0;
    list[0] = '\0';
    for (int j = 0; j < t->n_col && used + 8 < sizeof list; j++) {
        int w = snprintf(list + used, sizeof list - used, "%s'%s'", j ? ", " : "", t->names[j]);
        if (w < 0) break;
        used += (size_t)w < sizeof list - used ? (size_t)w : sizeof list - used - 1;
    }
    LS_ERROR(LS_ERR_INPUT, "%s:1: no column '%s' in the header (columns: %s) (fix: add the column or "
             "correct the name; names are case-sensitive)", t->path, name, list);
}

int ls_csv_column_is_numeric(const ls_csv *t, int col)
{
    for (long i = 0; i < t->n_row; i++)
        if (isnan(ls_csv_num(t, i, col))) return 0;
    return 1;
}

int ls_csv_column_kind(const ls_csv *t, int col, int *numeric)
{
    long first_num = -1, first_text = -1;
    for (long i = 0; i < t->n_row && (first_num < 0 || first_text < 0); i++) {
        if (isnan(ls_csv_num(t, i, col))) {
            if (first_text < 0) first_text = i;
        } else if (first_num < 0) {
            first_num = i;
        }
    }
    *numeric = first_text < 0;
    if (first_num < 0 || first_text < 0) return LS_OK;
    const char *bad = ls_csv_str(t, first_text, col);
    LS_ERROR(LS_ERR_INPUT, "%s:%ld: column '%s': %s%s%s among numbers (line %ld has %s): the column is neither all "
             "numbers nor all categories (fix: write the number%s, or, for a categorical column, give every value "
             "as text, e.g. 'c%s')",
             t->path, t->line_no[first_text], t->names[col], bad[0] ? "'" : "an empty cell", bad, bad[0] ? "'" : "",
             t->line_no[first_num], ls_csv_str(t, first_num, col), bad[0] ? "" : " or remove the row",
             ls_csv_str(t, first_num, col));
}

int ls_csv_require_numeric(const ls_csv *t, const char *name, int *col)
{
    LS_TRY(ls_csv_require_column(t, name, col));
    for (long i = 0; i < t->n_row; i++) {
        if (!isnan(ls_csv_num(t, i, *col))) continue;
        const char *s = ls_csv_str(t, i, *col);
        if (s[0] == '\0')
            LS_ERROR(LS_ERR_INPUT, "%s:%ld: column '%s' is empty (fix: give a number)", t->path, t->line_no[i], name);
        LS_ERROR(LS_ERR_INPUT, "%s:%ld: column '%s': '%s' is not a number (fix: write a plain decimal "
                 "number such as 1.25 or -3e-2)", t->path, t->line_no[i], name, s);
    }
    return LS_OK;
}

void ls_csv_write_field(FILE *fp, const char *text)
{
    size_t n = strlen(text);
    int quote = n > 0 && (text[0] == ' ' || text[n - 1] == ' ' || text[0] == '#');
    for (size_t i = 0; i < n && !quote; i++)
        if (text[i] == ',' || text[i] == '"' || text[i] == '\n' || text[i] == '\r') quote = 1;
    if (!quote) {
        fputs(text, fp);
        return;
    }
    fputc('"', fp);
    for (size_t i = 0; i < n; i++) {
        if (text[i] == '"') fputc('"', fp);
        fputc(text[i], fp);
    }
    fputc('"', fp);
}
