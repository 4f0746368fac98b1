/* Line-oriented text reading for the file-format parsers, so that every parser reports
 * errors the same way: "FILE:LINE: what was expected, what was found".
 *
 *     ls_text_reader *r = NULL;
 *     LS_TRY(ls_text_open(path, &r));
 *     char *line;
 *     while ((status = ls_text_next(r, &line)) == LS_OK && line != NULL) { ... }
 *     ls_text_close(r);
 */
#ifndef LS_TEXTIO_H
#define LS_TEXTIO_H

#include <stdio.h>

typedef struct ls_text_reader {
    char *path;   /* as given, for messages */
    FILE *fp;
    char *line;   /* current line, newline and trailing CR stripped; owned */
    size_t cap;
    long line_no; /* 1-based number of the current line; 0 before the first */
    int owns_fp;
} ls_text_reader;

/* The longest line a reader takes (a longer one is an error naming the file and line, so that
 * a binary file or an endless pipe cannot take all memory). */
#define LS_TEXT_LINE_MAX (64 << 20)

/* Open a file ("-" is not special).  LS_ERR_IO with the OS reason if it cannot be opened, and for
 * a directory or a device (/dev/zero never ends): regular files and pipes are read. */
int ls_text_open(const char *path, ls_text_reader **out);
/* Wrap an already open stream; `name` is used in messages.  The stream is not closed. */
int ls_text_wrap(FILE *fp, const char *name, ls_text_reader **out);
void ls_text_close(ls_text_reader *r); /* accepts NULL */

/* Next line into *line (valid until the next call), or *line = NULL at end of file. */
int ls_text_next(ls_text_reader *r, char **line);
/* Like ls_text_next, but end of file is an error: "FILE:LINE: unexpected end of file,
 * expected <what>". */
int ls_text_expect(ls_text_reader *r, const char *what, char **line);

/* Bytes from the reader's position to the end of a regular file; -1 when unknown (a pipe). */
long long ls_text_bytes_left(const ls_text_reader *r);
/* Before allocating for `count` items of a file (atoms announced by a count line), each of at
 * least min_bytes bytes: LS_ERR_INPUT ("FILE:LINE: N atoms announced, but the rest of the file
 * (B bytes) cannot hold them") when the rest of a regular file is too short for them. */
int ls_text_check_count(const ls_text_reader *r, long long count, int min_bytes, const char *what);

/* Record an LS_ERR_INPUT error prefixed with "FILE:LINE: " and return it. */
int ls_text_error(const ls_text_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Split `line` in place at whitespace into at most max_tok tokens; returns the count
 * (tokens beyond max_tok are not split off; the last token holds the rest). */
int ls_text_split(char *line, char **tok, int max_tok);

/* Strict number parsing of a whole token: returns 0 on success, -1 if the token is not
 * entirely a finite number.  Fortran exponents (1.0d-3, 1.0D+2) are accepted. */
int ls_parse_double(const char *tok, double *value);
int ls_parse_long(const char *tok, long *value);
/* The same with an error message naming the file, line and what was expected. */
int ls_text_parse_double(const ls_text_reader *r, const char *tok, const char *what, double *value);
int ls_text_parse_int(const ls_text_reader *r, const char *tok, const char *what, int *value);

/* 1 when `word` is one of the `sep`-separated entries of `list` ("a,b,c" with ','; NULL or "":
 * none), compared exactly. */
int ls_list_has(const char *list, char sep, const char *word);

/* The most ls_file_read_all takes from a pipe (a regular file is read whole). */
#define LS_FILE_STREAM_MAX ((size_t)1 << 30)

/* The first of names[0..n-1] (in order) that equals an earlier one under cmp (strcmp,
 * strcasecmp or any such order), with *earlier the index of its first occurrence; -1 when all
 * differ (or on allocation failure, with *earlier = -2).  O(n log n), for the readers that refuse
 * a key given twice. */
int ls_find_duplicate(const char *const *names, int n, int (*cmp)(const char *, const char *), int *earlier);

/* Whole file into a NUL-terminated buffer (caller frees).  LS_ERR_IO as ls_text_open (devices
 * and directories refused); LS_ERR_INPUT for more than LS_FILE_STREAM_MAX bytes from a pipe. */
int ls_file_read_all(const char *path, char **text, size_t *length);

/* Write a file atomically: the content goes to PATH.tmp.PID, is flushed and fsync'ed,
 * then renamed over PATH, so a crash leaves either the old or the new file. */
int ls_file_write_atomic(const char *path, const void *data, size_t length);

/* Lower-case extension of a path without the dot ("xyz" for "a/b.XYZ"), "" if none.
 * Returns a pointer into a static thread-local buffer. */
const char *ls_path_extension(const char *path);
/* File name without directories. */
const char *ls_path_basename(const char *path);
/* PATH without the extension of its file name (the folders kept; a leading dot is not an
 * extension), followed by `suffix`, into out[size]: ("run/si.json", ".eos.ckpt") gives
 * "run/si.eos.ckpt". */
void ls_path_with_suffix(const char *path, const char *suffix, char *out, size_t size);

#endif
