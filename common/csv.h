/* Comma-separated tables with a header row, for any subsystem that reads tabular data
 * (candidate pools, observations, reference tables).
 *
 *     ls_csv *t = NULL;
 *     LS_TRY(ls_csv_read("pool.csv", &t));
 *     int col;
 *     LS_TRY(ls_csv_require_numeric(t, "toughness", &col));
 *     for (long i = 0; i < t->n_row; i++) use(ls_csv_num(t, i, col));
 *     ls_csv_destroy(t);
 *
 * Format (RFC 4180 with small extensions):
 *   - the first non-comment line is the header: one unique, non-empty name per column;
 *   - fields are separated by commas; a field may be quoted with double quotes, inside which
 *     commas, line breaks and doubled quotes ("") are literal;
 *   - spaces around unquoted fields are stripped; a UTF-8 byte-order mark is skipped;
 *   - empty lines and lines starting with '#' are skipped (outside quoted fields);
 *   - every data row has exactly as many fields as the header;
 *   - LF and CRLF line ends are accepted.
 * Each cell is kept as text; a cell that is entirely a finite decimal number (strict
 * parsing, see ls_parse_double) also has its numeric value, other cells have NaN there.
 *
 * Errors are LS_ERR_INPUT (LS_ERR_IO if the file cannot be read) with messages of the form
 * "FILE:LINE: column 'NAME': ... (fix: ...)".
 */
#ifndef LS_CSV_H
#define LS_CSV_H

#include <stdio.h>

typedef struct ls_csv {
    char *path;      /* as given, for messages */
    int n_col;
    long n_row;      /* data rows (header excluded) */
    char **names;    /* [n_col] column names */
    char **cell;     /* [n_row * n_col] row-major cell texts (owned, never NULL) */
    double *num;     /* [n_row * n_col] numeric value of each cell, NaN if not a number */
    long *line_no;   /* [n_row] 1-based line where each row starts (for messages) */
} ls_csv;

/* Read a whole CSV file.  *out is NULL on failure. */
int ls_csv_read(const char *path, ls_csv **out);
/* Parse CSV text held in memory; `name` is used in messages. */
int ls_csv_parse(const char *text, const char *name, ls_csv **out);
void ls_csv_destroy(ls_csv *t); /* accepts NULL */

/* Index of a column by exact name, -1 if absent. */
int ls_csv_column(const ls_csv *t, const char *name);
/* The same, but a missing column is an LS_ERR_INPUT error listing the columns present. */
int ls_csv_require_column(const ls_csv *t, const char *name, int *col);
/* A column every cell of which is a number: LS_ERR_INPUT naming the first bad cell
 * ("FILE:LINE: column 'x': 'abc' is not a number"), or the empty cell. */
int ls_csv_require_numeric(const ls_csv *t, const char *name, int *col);
/* The kind of a feature column: *numeric = 1 when every cell is a number (also with no rows), 0
 * when none is (text: categories).  A column of numbers with some other cell (nan, inf, an empty
 * cell, a word) is LS_ERR_INPUT naming that cell's line and a number's ("FILE:LINE: column 'x':
 * 'nan' among numbers ..."), rather than silently becoming categorical. */
int ls_csv_column_kind(const ls_csv *t, int col, int *numeric);
/* 1 if every cell of column `col` is a number (a column with no rows counts as numeric). */
int ls_csv_column_is_numeric(const ls_csv *t, int col);

static inline double ls_csv_num(const ls_csv *t, long row, int col) { return t->num[row * t->n_col + col]; }
static inline const char *ls_csv_str(const ls_csv *t, long row, int col) { return t->cell[row * t->n_col + col]; }

/* Write one field, quoted when it contains a comma, a quote, a line break or outer spaces. */
void ls_csv_write_field(FILE *fp, const char *text);

#endif
