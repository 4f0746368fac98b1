/* Key=value comment lines of extended XYZ; see extxyz_kv.h. */
#include "common/extxyz_kv.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/err.h"

/* A lexical token of the comment line: a word (text, possibly empty when it was "")
 * or an '=' sign (text == NULL). */
struct token {
    char *text;
};

static char closing_delimiter(char c)
{
    switch (c) {
    case '"': return '"';
    case '\'': return '\'';
    case '{': return '}';
    case '[': return ']';
    default: return '\0';
    }
}

/* Split the line into words and '=' signs.  Word texts go into `buf` (at least
 * 2 * strlen(line) + 2 bytes), tokens into `tok` (at least strlen(line) + 1). */
static int tokenize(const ls_text_reader *r, const char *line, char *buf, struct token *tok,
                    int *n_tok)
{
    const char *p = line;
    char *out = buf;
    int n = 0;
    for (;;) {
        while (*p && isspace((unsigned char)*p)) p++;
        if (*p == '\0') break;
        if (*p == '=') {
            tok[n++].text = NULL;
            p++;
            continue;
        }
        tok[n++].text = out;
        while (*p && !isspace((unsigned char)*p) && *p != '=') {
            char close = closing_delimiter(*p);
            if (*p == '\\') {
                p++;
                if (*p) *out++ = *p++;
                else *out++ = '\\';
            } else if (close) {
                const char *open = p++;
                while (*p && *p != close) {
                    if (*p == '\\' && p[1]) p++;
                    *out++ = *p++;
                }
                if (*p == '\0')
                    return ls_text_error(r,
                                         "unterminated %c...%c in the comment line (starting at "
                                         "column %d): expected key=value pairs with closed quotes",
                                         *open, close, (int)(open - line) + 1);
                p++;
            } else {
                *out++ = *p++;
            }
        }
        *out++ = '\0';
    }
    *n_tok = n;
    return LS_OK;
}

static char *join(const char *a, const char *sep, const char *b)
{
    size_t na = strlen(a), ns = strlen(sep), nb = strlen(b);
    char *s = malloc(na + ns + nb + 1);
    if (s == NULL) return NULL;
    memcpy(s, a, na);
    memcpy(s + na, sep, ns);
    memcpy(s + na + ns, b, nb + 1);
    return s;
}

void ls_extxyz_kv_free(struct ls_keyval *items, int n_items)
{
    if (items == NULL) return;
    for (int i = 0; i < n_items; i++) {
        free(items[i].key);
        free(items[i].value);
    }
    free(items);
}

int ls_extxyz_kv_parse(const ls_text_reader *r, const char *line, struct ls_keyval **items,
                       int *n_items)
{
    *items = NULL;
    *n_items = 0;
    int status = LS_OK;
    size_t len = strlen(line);
    char *buf = malloc(2 * len + 2);
    struct token *tok = malloc((len + 1) * sizeof *tok);
    struct ls_keyval *kv = calloc(len + 1, sizeof *kv);
    int n_tok = 0, n_kv = 0;
    if (buf == NULL || tok == NULL || kv == NULL) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    LS_TRY_GOTO(status, tokenize(r, line, buf, tok, &n_tok), done);

    for (int k = 0; k < n_tok;) {
        if (tok[k].text == NULL) {
            status = ls_text_error(r, "'=' without a key before it in the comment line "
                                      "(expected key=value pairs)");
            goto done;
        }
        if (tok[k].text[0] == '\0') {
            status = ls_text_error(r, "empty key (\"\") in the comment line");
            goto done;
        }
        struct ls_keyval *e = &kv[n_kv++];
        const char *key = tok[k++].text;
        const char *value = "T"; /* a bare key means true, as in ASE */
        char *joined = NULL;
        if (k < n_tok && tok[k].text == NULL) {
            k++;
            value = "";
            if (k < n_tok && tok[k].text != NULL) value = tok[k++].text;
            /* "a=b=c": ASE joins the rest into the value "b=c" (measured first, then copied once,
             * so that a long chain costs linear time). */
            int k_end = k;
            size_t total = strlen(value);
            while (k_end + 1 < n_tok && tok[k_end].text == NULL && tok[k_end + 1].text != NULL) {
                total += 1 + strlen(tok[k_end + 1].text);
                k_end += 2;
            }
            if (k_end > k) {
                joined = malloc(total + 1);
                if (joined == NULL) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
                size_t used = strlen(value);
                memcpy(joined, value, used);
                for (; k < k_end; k += 2) {
                    size_t n = strlen(tok[k + 1].text);
                    joined[used++] = '=';
                    memcpy(joined + used, tok[k + 1].text, n);
                    used += n;
                }
                joined[used] = '\0';
            }
        }
        e->key = join(key, "", "");
        e->value = joined ? joined : join(value, "", "");
        if (e->key == NULL || e->value == NULL) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    }
    *items = kv;
    *n_items = n_kv;
    kv = NULL;
done:
    ls_extxyz_kv_free(kv, n_kv);
    free(tok);
    free(buf);
    return status;
}

/* Key order for the duplicate test: Lattice, Properties and pbc are recognised in any case. */
static const char *fold_key(const char *k)
{
    static const char *const folded[] = {"lattice", "properties", "pbc"};
    for (int i = 0; i < 3; i++)
        if (strcasecmp(k, folded[i]) == 0) return folded[i];
    return k;
}

static int cmp_keys(const char *a, const char *b) { return strcmp(fold_key(a), fold_key(b)); }

/* A key given twice (energy=-1 ... energy=-2) is an error, not "the last one wins". */
int ls_extxyz_kv_check_unique(const ls_text_reader *r, const struct ls_keyval *kv, int n_kv)
{
    const char *few[16] = {0};
    const char **keys = n_kv <= 16 ? few : malloc((size_t)n_kv * sizeof *keys);
    if (keys == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    for (int i = 0; i < n_kv; i++) keys[i] = kv[i].key;
    int earlier, twice = ls_find_duplicate(keys, n_kv, cmp_keys, &earlier);
    if (keys != few) free((void *)keys);
    if (earlier == -2) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    if (twice >= 0)
        return ls_text_error(r, "the comment line gives the key '%s' twice (entries %d and %d): give each key once",
                             kv[twice].key, earlier + 1, twice + 1);
    return LS_OK;
}

int ls_extxyz_kv_put(FILE *fp, const char *text, const char *what)
{
    int quote = text[0] == '\0';
    for (const char *p = text; *p; p++) {
        if (*p == '\n' || *p == '\r')
            LS_ERROR(LS_ERR_INPUT, "%s holds a line break, which cannot be written on an "
                                   "extended XYZ comment line", what);
        if (isspace((unsigned char)*p) || strchr("\"'{}[]=\\", *p)) quote = 1;
    }
    if (!quote) {
        fputs(text, fp);
        return LS_OK;
    }
    fputc('"', fp);
    for (const char *p = text; *p; p++) {
        if (*p == '"' || *p == '\\') fputc('\\', fp);
        fputc(*p, fp);
    }
    fputc('"', fp);
    return LS_OK;
}
