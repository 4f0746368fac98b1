/* CIF 1.1 tokenizer and data-block reader; see cif_syntax.h. */
#include "common/cif_syntax.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/err.h"
#include "common/textio.h"

enum token_kind { TOK_VALUE, TOK_TAG, TOK_LOOP, TOK_DATA, TOK_OTHER };

struct token {
    ls_cif_value v;
    int kind;
};

struct item {
    int tag;   /* token index of the tag */
    int value; /* token index of the value */
};

struct loop {
    int first_tag, n_tag; /* token indices of the tags */
    int first_val, n_val; /* token indices of the values */
    long line;
};

struct ls_cif_block {
    char *path;
    char *text; /* the file, cut into NUL-terminated tokens in place */
    struct token *tok;
    int n_tok, cap_tok;
    int data;   /* token index of the data_ header */
    struct item *items;
    int n_item;
    struct loop *loops;
    int n_loop;
};

int ls_cif_error(const ls_cif_block *b, long line, const char *fmt, ...)
{
    char msg[LS_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    ls_text_reader at;
    memset(&at, 0, sizeof at);
    at.path = b->path;
    at.line_no = line;
    return ls_text_error(&at, "%s", msg);
}

static int push_token(ls_cif_block *b, char *text, long line, int quoted)
{
    if (b->n_tok == b->cap_tok) {
        int cap = b->cap_tok ? 2 * b->cap_tok : 256;
        struct token *grown = realloc(b->tok, (size_t)cap * sizeof *grown);
        if (grown == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory reading '%s'", b->path);
        b->tok = grown;
        b->cap_tok = cap;
    }
    struct token *t = &b->tok[b->n_tok++];
    t->v.text = text;
    t->v.line = line;
    t->v.quoted = quoted;
    t->kind = TOK_VALUE;
    if (!quoted) {
        if (text[0] == '_') t->kind = TOK_TAG;
        else if (strcasecmp(text, "loop_") == 0) t->kind = TOK_LOOP;
        else if (strncasecmp(text, "data_", 5) == 0) t->kind = TOK_DATA;
        else if (strncasecmp(text, "save_", 5) == 0 || strcasecmp(text, "global_") == 0 ||
                 strcasecmp(text, "stop_") == 0)
            t->kind = TOK_OTHER;
    }
    return LS_OK;
}

/* Cut the whole text into tokens.  `bol` says whether p is at the start of a line
 * (only there does ';' open a text field). */
static int tokenize(ls_cif_block *b)
{
    char *p = b->text;
    long line = 1;
    int bol = 1;
    while (*p) {
        if (*p == '\n') {
            line++;
            bol = 1;
            p++;
            continue;
        }
        if (isspace((unsigned char)*p)) {
            bol = 0;
            p++;
            continue;
        }
        if (*p == '#') {
            while (*p && *p != '\n') p++;
            continue;
        }
        if (*p == ';' && bol) {
            long start_line = line;
            char *start = p + 1, *q = start;
            /* The field ends at the next line that starts with ';'. */
            for (;;) {
                q = strchr(q, '\n');
                if (q == NULL)
                    return ls_cif_error(b, start_line, "unterminated text field: a line starting with "
                                                       "';' must close it");
                line++;
                if (q[1] == ';') break;
                q++;
            }
            *q = '\0'; /* drop the newline before the closing ';' */
            LS_TRY(push_token(b, start, start_line, 1));
            p = q + 2;
            bol = 0;
            continue;
        }
        bol = 0;
        if (*p == '\'' || *p == '"') {
            char quote = *p;
            char *start = p + 1, *q = start;
            while (*q && *q != '\n' && !(*q == quote && (q[1] == '\0' || isspace((unsigned char)q[1])))) q++;
            if (*q != quote) {
                int n_show = (int)(q - start) < 20 ? (int)(q - start) : 20;
                return ls_cif_error(b, line, "unterminated quoted string %c%.*s...: a quoted value must close "
                                             "on its line, with the quote followed by a space",
                                    quote, n_show, start);
            }
            *q = '\0';
            LS_TRY(push_token(b, start, line, 1));
            p = q + 1;
            continue;
        }
        char *start = p;
        while (*p && !isspace((unsigned char)*p)) p++;
        long tok_line = line;
        if (*p == '\n') {
            line++;
            bol = 1;
        }
        if (*p) *p++ = '\0';
        LS_TRY(push_token(b, start, tok_line, 0));
    }
    return LS_OK;
}

/* Tags compare case-insensitively, with '.' (DDLm/mmCIF) equal to '_' (DDL1). */
static int tag_cmp(const char *a, const char *c)
{
    for (;; a++, c++) {
        int x = tolower((unsigned char)*a), y = tolower((unsigned char)*c);
        if (x == '.') x = '_';
        if (y == '.') y = '_';
        if (x != y || x == '\0') return x - y;
    }
}

/* A data name given twice in a block (CIF 1.1 forbids it) would leave the reader to pick one
 * of the values silently: name both lines. */
static int check_unique_tags(ls_cif_block *b)
{
    int n = b->n_item;
    for (int il = 0; il < b->n_loop; il++) n += b->loops[il].n_tag;
    int *tok = malloc((size_t)(n > 0 ? n : 1) * sizeof *tok);
    const char **names = malloc((size_t)(n > 0 ? n : 1) * sizeof *names);
    if (tok == NULL || names == NULL) {
        free(tok);
        free(names);
        LS_ERROR(LS_ERR_NOMEM, "out of memory reading '%s'", b->path);
    }
    int k = 0;
    for (int i = 0; i < b->n_item; i++) tok[k++] = b->items[i].tag;
    for (int il = 0; il < b->n_loop; il++)
        for (int j = 0; j < b->loops[il].n_tag; j++) tok[k++] = b->loops[il].first_tag + j;
    for (int i = 0; i < n; i++) names[i] = b->tok[tok[i]].v.text;
    int earlier, twice = ls_find_duplicate(names, n, tag_cmp, &earlier);
    int status = LS_OK;
    if (twice >= 0) {
        /* Name the later of the two in the file. */
        int a = tok[earlier], z = tok[twice];
        if (a > z) {
            int t = a;
            a = z;
            z = t;
        }
        status = ls_cif_error(b, b->tok[z].v.line, "%s is given twice in the data block (also on line %ld): give "
                              "each tag once", b->tok[z].v.text, b->tok[a].v.line);
    } else if (earlier == -2) {
        status = ls_error_set(LS_ERR_NOMEM, __FILE__, __LINE__, "out of memory reading '%s'", b->path);
    }
    free(tok);
    free(names);
    return status;
}

/* Group the tokens of the first data block into items and loops. */
static int parse_block(ls_cif_block *b)
{
    int i = 0;
    while (i < b->n_tok && b->tok[i].kind != TOK_DATA) i++;
    if (i == b->n_tok) {
        long line = b->n_tok > 0 ? b->tok[0].v.line : 1;
        return ls_cif_error(b, line, "no data block: a CIF starts its data with a line 'data_NAME'");
    }
    b->data = i++;
    int n = b->n_tok;
    size_t n_alloc = n > 0 ? (size_t)n : 1; /* at most one item or loop per token */
    b->items = malloc(n_alloc * sizeof *b->items);
    b->loops = malloc(n_alloc * sizeof *b->loops);
    if (!b->items || !b->loops) LS_ERROR(LS_ERR_NOMEM, "out of memory reading '%s'", b->path);
    while (i < n && b->tok[i].kind != TOK_DATA) {
        struct token *t = &b->tok[i];
        if (t->kind == TOK_OTHER) {
            i++;
        } else if (t->kind == TOK_TAG) {
            if (i + 1 >= n || b->tok[i + 1].kind != TOK_VALUE)
                return ls_cif_error(b, t->v.line, "tag %s has no value", t->v.text);
            b->items[b->n_item].tag = i;
            b->items[b->n_item].value = i + 1;
            b->n_item++;
            i += 2;
        } else if (t->kind == TOK_LOOP) {
            struct loop *l = &b->loops[b->n_loop];
            l->line = t->v.line;
            l->first_tag = ++i;
            while (i < n && b->tok[i].kind == TOK_TAG) i++;
            l->n_tag = i - l->first_tag;
            if (l->n_tag == 0) return ls_cif_error(b, l->line, "loop_ without tags: expected tags such as _atom_site_label");
            l->first_val = i;
            while (i < n && b->tok[i].kind == TOK_VALUE) i++;
            l->n_val = i - l->first_val;
            if (l->n_val == 0)
                return ls_cif_error(b, l->line, "the loop starting here has tags (%s ...) but no values",
                                    b->tok[l->first_tag].v.text);
            if (l->n_val % l->n_tag != 0)
                return ls_cif_error(b, l->line, "the loop starting here has %d values for %d tags (%s ...): "
                                                "the value count must be a multiple of the tag count "
                                                "(missing value, or an unquoted value with spaces?)",
                                    l->n_val, l->n_tag, b->tok[l->first_tag].v.text);
            b->n_loop++;
        } else {
            return ls_cif_error(b, t->v.line, "value '%s' without a tag (expected _tag value, or loop_)",
                                t->v.text);
        }
    }
    return check_unique_tags(b);
}

int ls_cif_block_read(const char *path, ls_cif_block **out)
{
    *out = NULL;
    int status = LS_OK;
    ls_cif_block *b = calloc(1, sizeof *b);
    if (b == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    b->path = strdup(path);
    if (b->path == NULL) LS_ERROR_GOTO(status, LS_ERR_NOMEM, fail, "out of memory");
    size_t length = 0;
    LS_TRY_GOTO(status, ls_file_read_all(path, &b->text, &length), fail);
    if (strlen(b->text) != length)
        LS_ERROR_GOTO(status, LS_ERR_INPUT, fail, "%s: the file contains a NUL byte: is it a text file?", path);
    LS_TRY_GOTO(status, tokenize(b), fail);
    LS_TRY_GOTO(status, parse_block(b), fail);
    *out = b;
    return LS_OK;
fail:
    ls_cif_block_destroy(b);
    return status;
}

void ls_cif_block_destroy(ls_cif_block *b)
{
    if (b == NULL) return;
    free(b->path);
    free(b->text);
    free(b->tok);
    free(b->items);
    free(b->loops);
    free(b);
}

const char *ls_cif_block_name(const ls_cif_block *b) { return b->tok[b->data].v.text + 5; }
long ls_cif_block_line(const ls_cif_block *b) { return b->tok[b->data].v.line; }
const char *ls_cif_block_path(const ls_cif_block *b) { return b->path; }

static int tag_equal(const char *a, const char *c) { return tag_cmp(a, c) == 0; }

int ls_cif_find(const ls_cif_block *b, const char *tag, ls_cif_column *col)
{
    for (int i = 0; i < b->n_item; i++) {
        const struct item *it = &b->items[i];
        if (tag_equal(b->tok[it->tag].v.text, tag)) {
            col->block = b;
            col->tag_line = b->tok[it->tag].v.line;
            col->loop_line = 0;
            col->loop_id = -1;
            col->n_row = 1;
            col->first_token = it->value;
            col->stride = 1;
            return 1;
        }
    }
    for (int il = 0; il < b->n_loop; il++) {
        const struct loop *l = &b->loops[il];
        for (int j = 0; j < l->n_tag; j++) {
            if (!tag_equal(b->tok[l->first_tag + j].v.text, tag)) continue;
            col->block = b;
            col->tag_line = b->tok[l->first_tag + j].v.line;
            col->loop_line = l->line;
            col->loop_id = il;
            col->n_row = l->n_val / l->n_tag;
            col->first_token = l->first_val + j;
            col->stride = l->n_tag;
            return 1;
        }
    }
    return 0;
}

const ls_cif_value *ls_cif_at(const ls_cif_column *col, int row)
{
    return &col->block->tok[col->first_token + row * col->stride].v;
}

int ls_cif_is_missing(const ls_cif_value *v)
{
    return !v->quoted && (strcmp(v->text, "?") == 0 || strcmp(v->text, ".") == 0);
}

int ls_cif_parse_number(const char *text, double *value)
{
    char buf[128];
    size_t n = strlen(text);
    if (n == 0 || n >= sizeof buf) return -1;
    memcpy(buf, text, n + 1);
    char *paren = strchr(buf, '(');
    if (paren != NULL) {
        /* "5.431(2)": digits and a closing parenthesis at the very end. */
        char *q = paren + 1;
        if (!isdigit((unsigned char)*q)) return -1;
        while (isdigit((unsigned char)*q)) q++;
        if (q[0] != ')' || q[1] != '\0') return -1;
        *paren = '\0';
    }
    return ls_parse_double(buf, value);
}
