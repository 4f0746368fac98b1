/* CIF 1.1 syntax: the first data block of a file as tags, values and loops, with the
 * line of every token so that errors can say "FILE:LINE: ...".  Used by common/cif.c;
 * internal to common/ (the public entry points are ls_cif_read / ls_cif_write in io.h).
 *
 * Handled: comments (#), bare words, 'quoted' and "quoted" strings (a quote closes only
 * when followed by white space, as CIF 1.1 says), ;-delimited multi-line text fields,
 * loop_ with values spread over any number of lines, the placeholders ? and . (see
 * ls_cif_is_missing).  Tags are matched case-insensitively with '.' equal to '_', so the
 * DDLm/mmCIF spellings (_cell.length_a) find the same data as the DDL1 ones.
 * Reference: S. R. Hall, F. H. Allen, I. D. Brown, Acta Cryst. A47, 655 (1991),
 * doi:10.1107/S010876739101067X, and the CIF 1.1 syntax specification
 * (https://www.iucr.org/resources/cif/spec/version1.1/cifsyntax).
 */
#ifndef LS_CIF_SYNTAX_H
#define LS_CIF_SYNTAX_H

/* One value as read: text without quotes (owned by the block), its line, and whether it
 * was quoted (a quoted '?' is text, not a placeholder). */
typedef struct ls_cif_value {
    const char *text;
    long line;
    int quoted;
} ls_cif_value;

typedef struct ls_cif_block ls_cif_block;

/* All values of one tag (n_row of them; a tag outside a loop has one row), read with
 * ls_cif_at.  Borrows the block. */
typedef struct ls_cif_column {
    const ls_cif_block *block;
    long tag_line;   /* line of the tag */
    long loop_line;  /* line of its loop_, or 0 for a single item */
    int loop_id;     /* index of its loop (0, 1, ...), or -1 for a single item */
    int n_row;
    int first_token; /* internal: token index of row 0 */
    int stride;      /* internal: tokens between rows */
} ls_cif_column;

/* Read the first data block of the CIF file `path`.  Errors: LS_ERR_IO if the file cannot
 * be read; LS_ERR_INPUT ("FILE:LINE: ...") for an unterminated string or text field, a
 * file without data_ block, a tag without value, a value without tag, a loop without
 * values, or a loop whose value count is not a multiple of its tag count. */
int ls_cif_block_read(const char *path, ls_cif_block **out);
void ls_cif_block_destroy(ls_cif_block *b); /* accepts NULL */

const char *ls_cif_block_name(const ls_cif_block *b); /* the text after data_ */
long ls_cif_block_line(const ls_cif_block *b);       /* line of the data_ header */
const char *ls_cif_block_path(const ls_cif_block *b);

/* Look up a tag (with its leading '_'); returns 1 and fills *col if present, else 0. */
int ls_cif_find(const ls_cif_block *b, const char *tag, ls_cif_column *col);

/* Value `row` of a column (0 <= row < n_row). */
const ls_cif_value *ls_cif_at(const ls_cif_column *col, int row);

/* 1 if the value is the unquoted placeholder '?' (unknown) or '.' (not applicable). */
int ls_cif_is_missing(const ls_cif_value *v);

/* A CIF number: "5.431", "5.431(2)" (standard uncertainty in parentheses, ignored).
 * Returns 0 on success, -1 if the text is not such a number. */
int ls_cif_parse_number(const char *text, double *value);

/* Record an LS_ERR_INPUT error "PATH:LINE: message" and return it. */
int ls_cif_error(const ls_cif_block *b, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
