/* YAML input files through libfyaml; see config.h.  libfyaml has no public start mark for
 * collection nodes, so line numbers come from scalar tokens: a key's own token, a scalar
 * value's token, or the first scalar inside a collection. */
#include "common/config.h"
#include "common/config_impl.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libfyaml.h>

#include "common/err.h"
#include "common/textio.h"

struct ls_config {
    char *name;
    char *text;              /* the YAML source, kept alive for the document */
    struct fy_document *doc;
    struct fy_node *root;    /* NULL for an empty document */
};

/* Where a path leads: the node (NULL when absent or when the value is empty), whether
 * the key exists, and the line to report (the key's, or the deepest existing parent's). */
struct loc {
    struct fy_node *node;
    int found;
    int line;
};

static char *dup_string(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

/* 1-based line of a node: its token for scalars, the first scalar inside collections; 0
 * if there is none (empty collection). */
int ls_config_node_line(struct fy_node *n)
{
    if (n == NULL) return 0;
    if (fy_node_is_scalar(n)) {
        struct fy_token *t = fy_node_get_scalar_token(n);
        const struct fy_mark *m = t ? fy_token_start_mark(t) : NULL;
        return m ? m->line + 1 : 0;
    }
    void *it = NULL;
    if (fy_node_is_mapping(n)) {
        struct fy_node_pair *p = fy_node_mapping_iterate(n, &it);
        return p ? ls_config_node_line(fy_node_pair_key(p)) : 0;
    }
    struct fy_node *item = fy_node_sequence_iterate(n, &it);
    return item ? ls_config_node_line(item) : 0;
}

static const char *kind_name(struct fy_node *n)
{
    if (n == NULL) return "nothing";
    if (fy_node_is_mapping(n)) return "a mapping (key: value lines)";
    if (fy_node_is_sequence(n)) return "a list";
    return "a single value";
}

/* Empty value: "key:" with nothing, "~" or "null" (plain). */
static int is_empty(struct fy_node *n)
{
    if (n == NULL) return 1;
    if (!fy_node_is_scalar(n) || fy_node_get_style(n) != FYNS_PLAIN) return 0;
    const char *t = fy_node_get_scalar0(n);
    return t == NULL || t[0] == '\0' || strcmp(t, "~") == 0 || strcasecmp(t, "null") == 0;
}

static int key_error(const ls_config *c, int line, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int key_error(const ls_config *c, int line, const char *path, const char *fmt, ...)
{
    char msg[LS_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return ls_error_set(LS_ERR_INPUT, __FILE__, __LINE__, "%s:%d: key '%s': %s", c->name, line > 0 ? line : 1,
                        path, msg);
}

static int is_index(const char *seg, size_t len, int *index)
{
    if (len == 0 || len > 9) return 0;
    int v = 0;
    for (size_t i = 0; i < len; i++) {
        if (seg[i] < '0' || seg[i] > '9') return 0;
        v = 10 * v + (seg[i] - '0');
    }
    *index = v;
    return 1;
}

static int absent(struct loc *loc, int line)
{
    loc->node = NULL;
    loc->found = 0;
    loc->line = line;
    return LS_OK;
}

/* Follow `path` from the root.  Absent keys are not an error (loc->found = 0); walking
 * through a value that is not a mapping or list is. */
static int locate(const ls_config *c, const char *path, struct loc *loc)
{
    struct fy_node *cur = c->root;
    int line = ls_config_node_line(c->root);
    const char *p = path;
    loc->node = cur;
    loc->found = 1;
    loc->line = line;
    while (*p) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);
        size_t done = (size_t)(p - path);
        if (len == 0) {
            p += 1;
            continue;
        }
        int index;
        if (cur == NULL || is_empty(cur)) return absent(loc, line); /* "key:" with nothing below */
        if (fy_node_is_mapping(cur)) {
            struct fy_node_pair *pair = NULL, *hit = NULL;
            void *it = NULL;
            while ((pair = fy_node_mapping_iterate(cur, &it)) != NULL) {
                struct fy_node *k = fy_node_pair_key(pair);
                size_t klen = 0;
                const char *ks = k && fy_node_is_scalar(k) ? fy_node_get_scalar(k, &klen) : NULL;
                if (ks && klen == len && strncmp(ks, p, len) == 0) {
                    hit = pair;
                    break;
                }
            }
            if (hit == NULL) return absent(loc, line);
            line = ls_config_node_line(fy_node_pair_key(hit));
            cur = fy_node_pair_value(hit);
        } else if (fy_node_is_sequence(cur)) {
            char parent[256];
            snprintf(parent, sizeof parent, "%.*s", (int)(done > 0 ? done - 1 : 0), path);
            if (!is_index(p, len, &index))
                return key_error(c, line, parent, "is a list: expected a mapping with the key '%.*s'", (int)len, p);
            cur = fy_node_sequence_get_by_index(cur, index);
            if (cur == NULL) return absent(loc, line);
            int l = ls_config_node_line(cur);
            if (l > 0) line = l;
        } else {
            char parent[256];
            snprintf(parent, sizeof parent, "%.*s", (int)(done > 0 ? done - 1 : 0), path);
            return key_error(c, line, parent, "expected a mapping holding '%.*s', found %s ('%s')", (int)len, p,
                             kind_name(cur), fy_node_get_scalar0(cur) ? fy_node_get_scalar0(cur) : "");
        }
        p += len;
    }
    loc->node = cur;
    loc->found = 1;
    loc->line = line;
    return LS_OK;
}

/* The first error libfyaml collected, as "NAME:LINE: YAML syntax error (column C): ...". */
static int yaml_error(struct fy_diag *diag, const char *name)
{
    void *it = NULL;
    struct fy_diag_error *e = fy_diag_errors_iterate(diag, &it);
    if (e != NULL)
        LS_ERROR(LS_ERR_INPUT, "%s:%d: YAML syntax error (column %d): %s", name, e->line > 0 ? e->line : 1, e->column,
                 e->msg ? e->msg : "unknown error");
    LS_ERROR(LS_ERR_INPUT, "%s: YAML syntax error (libfyaml gave no position)", name);
}

/* Only blank lines and comments?  libfyaml reports a document without content as a
 * failure with no position, so such text is taken as an empty mapping without parsing. */
static int is_blank_yaml(const char *text, size_t length)
{
    int in_comment = 0;
    for (size_t i = 0; i < length; i++) {
        char ch = text[i];
        if (ch == '\n') in_comment = 0;
        else if (ch == '#') in_comment = 1;
        else if (!in_comment && ch != ' ' && ch != '\t' && ch != '\r') return 0;
    }
    return 1;
}

int ls_config_parse(const char *text, size_t length, const char *name, ls_config **out)
{
    *out = NULL;
    int status = LS_OK;
    struct fy_diag *diag = NULL;
    ls_config *c = calloc(1, sizeof *c);
    if (c == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    c->name = dup_string(name, strlen(name));
    c->text = dup_string(text, length);
    if (!c->name || !c->text) LS_ERROR_GOTO(status, LS_ERR_NOMEM, fail, "out of memory");
    /* Diagnostics are collected, not printed: no stream, and errors kept for us. */
    struct fy_diag_cfg dcfg;
    fy_diag_cfg_default(&dcfg);
    dcfg.fp = NULL;
    dcfg.output_fn = NULL;
    dcfg.colorize = false;
    diag = fy_diag_create(&dcfg);
    if (diag == NULL) LS_ERROR_GOTO(status, LS_ERR_LIBRARY, fail, "%s: libfyaml could not create its diagnostics", name);
    fy_diag_set_collect_errors(diag, true);
    /* Parsed first without resolving: aliases are expanded only after their size is known. */
    struct fy_parse_cfg pcfg = {.flags = FYPCF_QUIET, .diag = diag};
    LS_TRY_GOTO(status, ls_config_check_text(text, length, name), fail);
    if (is_blank_yaml(text, length)) {
        fy_diag_destroy(diag);
        *out = c;
        return LS_OK;
    }
    c->doc = fy_document_build_from_string(&pcfg, c->text, length);
    if (fy_diag_got_error(diag)) {
        status = yaml_error(diag, name);
        goto fail;
    }
    if (c->doc != NULL) {
        LS_TRY_GOTO(status, ls_config_check_expansion(fy_document_root(c->doc), name), fail);
        if (fy_document_resolve(c->doc) != 0 || fy_diag_got_error(diag)) {
            status = yaml_error(diag, name);
            goto fail;
        }
    }
    c->root = c->doc ? fy_document_root(c->doc) : NULL;
    if (c->root != NULL && !fy_node_is_mapping(c->root) && !is_empty(c->root))
        LS_ERROR_GOTO(status, LS_ERR_INPUT, fail, "%s:%d: the top level must be a mapping of keys (key: value "
                      "lines), found %s", name, ls_config_node_line(c->root) ? ls_config_node_line(c->root) : 1, kind_name(c->root));
    if (c->root != NULL && is_empty(c->root)) c->root = NULL;
    fy_diag_destroy(diag);
    *out = c;
    return LS_OK;
fail:
    fy_diag_destroy(diag);
    ls_config_destroy(c);
    return status;
}

int ls_config_load(const char *path, ls_config **out)
{
    *out = NULL;
    char *text = NULL;
    size_t len = 0;
    LS_TRY(ls_file_read_all(path, &text, &len));
    int status = ls_config_parse(text, len, path, out);
    free(text);
    return status;
}

void ls_config_destroy(ls_config *c)
{
    if (c == NULL) return;
    if (c->doc) fy_document_destroy(c->doc);
    free(c->text);
    free(c->name);
    free(c);
}

const char *ls_config_name(const ls_config *c) { return c->name; }

int ls_config_has(const ls_config *c, const char *path)
{
    struct loc loc;
    if (locate(c, path, &loc) != LS_OK) {
        ls_error_clear();
        return 0;
    }
    return loc.found;
}

int ls_config_line(const ls_config *c, const char *path)
{
    struct loc loc;
    if (locate(c, path, &loc) != LS_OK) {
        ls_error_clear();
        return 0;
    }
    return loc.found ? loc.line : 0;
}

/* The scalar text at `path`: *text = NULL when absent and optional.  `what` describes the
 * expected value for messages. */
static int fetch(const ls_config *c, const char *path, int required, const char *what, const char **text, int *line)
{
    struct loc loc;
    *text = NULL;
    LS_TRY(locate(c, path, &loc));
    *line = loc.line;
    if (!loc.found) {
        if (!required) return LS_OK;
        return key_error(c, loc.line, path, "required key is missing (expected %s)", what);
    }
    if (is_empty(loc.node)) return key_error(c, loc.line, path, "has no value (expected %s)", what);
    if (!fy_node_is_scalar(loc.node))
        return key_error(c, loc.line, path, "expected %s, found %s", what, kind_name(loc.node));
    int l = ls_config_node_line(loc.node);
    if (l > 0) *line = l;
    *text = fy_node_get_scalar0(loc.node);
    if (*text == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    return LS_OK;
}

static int parse_quantity(const ls_config *c, const char *path, int line, const char *text, enum ls_dimension dim,
                          const char *default_unit, double *out)
{
    if (dim == LS_DIM_NONE) {
        if (ls_parse_double(text, out) != 0) return key_error(c, line, path, "expected a number, found '%s'", text);
        return LS_OK;
    }
    int status = ls_quantity_parse(text, dim, default_unit, out);
    if (status != LS_OK) ls_error_prefix("%s:%d: key '%s': ", c->name, line, path);
    return status;
}

static int get_quantity(const ls_config *c, const char *path, int required, enum ls_dimension dim,
                        const char *default_unit, double *out)
{
    const char *text;
    int line;
    char what[96];
    if (dim == LS_DIM_NONE) snprintf(what, sizeof what, "a number");
    else snprintf(what, sizeof what, "%s with a unit, e.g. '1.5 %s'", ls_dimension_name(dim),
                  default_unit ? default_unit : "bohr");
    LS_TRY(fetch(c, path, required, what, &text, &line));
    if (text == NULL) return LS_OK;
    return parse_quantity(c, path, line, text, dim, default_unit, out);
}

int ls_config_get_double(const ls_config *c, const char *path, double *out)
{
    return get_quantity(c, path, 1, LS_DIM_NONE, NULL, out);
}

int ls_config_opt_double(const ls_config *c, const char *path, double fallback, double *out)
{
    *out = fallback;
    return get_quantity(c, path, 0, LS_DIM_NONE, NULL, out);
}

int ls_config_get_quantity(const ls_config *c, const char *path, enum ls_dimension dim, const char *default_unit,
                           double *out)
{
    return get_quantity(c, path, 1, dim, default_unit, out);
}

int ls_config_opt_quantity(const ls_config *c, const char *path, enum ls_dimension dim, const char *default_unit,
                           double fallback, double *out)
{
    *out = fallback;
    return get_quantity(c, path, 0, dim, default_unit, out);
}

static int get_int(const ls_config *c, const char *path, int required, int *out)
{
    const char *text;
    int line;
    LS_TRY(fetch(c, path, required, "a whole number", &text, &line));
    if (text == NULL) return LS_OK;
    long v;
    if (ls_parse_long(text, &v) != 0 || v < INT_MIN || v > INT_MAX)
        return key_error(c, line, path, "expected a whole number, found '%s'", text);
    *out = (int)v;
    return LS_OK;
}

int ls_config_get_int(const ls_config *c, const char *path, int *out) { return get_int(c, path, 1, out); }

int ls_config_opt_int(const ls_config *c, const char *path, int fallback, int *out)
{
    *out = fallback;
    return get_int(c, path, 0, out);
}

static int get_bool(const ls_config *c, const char *path, int required, int *out)
{
    static const char *const yes[] = {"true", "yes", "on"}, *const no[] = {"false", "no", "off"};
    const char *text;
    int line;
    LS_TRY(fetch(c, path, required, "true or false", &text, &line));
    if (text == NULL) return LS_OK;
    for (int i = 0; i < 3; i++) {
        if (strcasecmp(text, yes[i]) == 0) {
            *out = 1;
            return LS_OK;
        }
        if (strcasecmp(text, no[i]) == 0) {
            *out = 0;
            return LS_OK;
        }
    }
    return key_error(c, line, path, "expected true or false, found '%s'", text);
}

int ls_config_get_bool(const ls_config *c, const char *path, int *out) { return get_bool(c, path, 1, out); }

int ls_config_opt_bool(const ls_config *c, const char *path, int fallback, int *out)
{
    *out = fallback;
    return get_bool(c, path, 0, out);
}

int ls_config_get_string(const ls_config *c, const char *path, const char **out)
{
    int line;
    return fetch(c, path, 1, "a text value", out, &line);
}

int ls_config_opt_string(const ls_config *c, const char *path, const char *fallback, const char **out)
{
    int line;
    const char *text;
    LS_TRY(fetch(c, path, 0, "a text value", &text, &line));
    *out = text ? text : fallback;
    return LS_OK;
}

/* Optimal string alignment distance (edits and adjacent swaps), ignoring case. */
static int edit_distance(const char *a, const char *b)
{
    enum { N = 64 };
    int la = (int)strlen(a), lb = (int)strlen(b);
    if (la >= N || lb >= N) return N;
    int d[N][N];
    for (int i = 0; i <= la; i++) d[i][0] = i;
    for (int j = 0; j <= lb; j++) d[0][j] = j;
    for (int i = 1; i <= la; i++)
        for (int j = 1; j <= lb; j++) {
            int ca = a[i - 1] | 0x20, cb = b[j - 1] | 0x20; /* ASCII lower case for letters */
            int cost = ca != cb;
            int v = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < v) v = d[i][j - 1] + 1;
            if (d[i - 1][j - 1] + cost < v) v = d[i - 1][j - 1] + cost;
            if (i > 1 && j > 1 && ca == (b[j - 2] | 0x20) && (a[i - 2] | 0x20) == cb && d[i - 2][j - 2] + 1 < v)
                v = d[i - 2][j - 2] + 1;
            d[i][j] = v;
        }
    return d[la][lb];
}

/* The closest candidate within 2 edits (and fewer edits than the word has letters). */
static const char *closest(const char *word, const char *const *candidates)
{
    const char *best = NULL;
    int best_d = 3;
    int len = (int)strlen(word);
    for (int i = 0; candidates[i]; i++) {
        int d = edit_distance(word, candidates[i]);
        if (d < best_d && d < len) {
            best_d = d;
            best = candidates[i];
        }
    }
    return best;
}

static void join(const char *const *list, char *buf, size_t n)
{
    buf[0] = '\0';
    for (int i = 0; list[i]; i++) {
        size_t used = strlen(buf);
        snprintf(buf + used, n - used, "%s%s", i ? ", " : "", list[i]);
    }
}

static int get_enum(const ls_config *c, const char *path, int required, const char *const *choices, int *index)
{
    char list[512];
    join(choices, list, sizeof list);
    char what[600];
    snprintf(what, sizeof what, "one of: %s", list);
    const char *text;
    int line;
    LS_TRY(fetch(c, path, required, what, &text, &line));
    if (text == NULL) return LS_OK;
    for (int i = 0; choices[i]; i++)
        if (strcasecmp(text, choices[i]) == 0) {
            *index = i;
            return LS_OK;
        }
    const char *hint = closest(text, choices);
    if (hint) return key_error(c, line, path, "unknown value '%s' (did you mean '%s'? choices: %s)", text, hint, list);
    return key_error(c, line, path, "unknown value '%s' (choices: %s)", text, list);
}

int ls_config_get_enum(const ls_config *c, const char *path, const char *const *choices, int *index)
{
    return get_enum(c, path, 1, choices, index);
}

int ls_config_opt_enum(const ls_config *c, const char *path, const char *const *choices, int fallback, int *index)
{
    *index = fallback;
    return get_enum(c, path, 0, choices, index);
}

/* The sequence at `path` (required), with its item count checked against n_min..n_max. */
static int get_sequence(const ls_config *c, const char *path, const char *what, int n_min, int n_max,
                        struct loc *loc)
{
    LS_TRY(locate(c, path, loc));
    if (!loc->found) return key_error(c, loc->line, path, "required key is missing (expected %s)", what);
    if (is_empty(loc->node)) return key_error(c, loc->line, path, "has no value (expected %s)", what);
    if (!fy_node_is_sequence(loc->node))
        return key_error(c, loc->line, path, "expected %s, found %s", what, kind_name(loc->node));
    int n = fy_node_sequence_item_count(loc->node);
    if (n < n_min || n > n_max) {
        if (n_min == n_max) return key_error(c, loc->line, path, "expected %d values, found %d", n_min, n);
        return key_error(c, loc->line, path, "expected %d to %d values, found %d", n_min, n_max, n);
    }
    return LS_OK;
}

int ls_config_get_doubles(const ls_config *c, const char *path, enum ls_dimension dim, const char *default_unit,
                          int n_min, int n_max, double *out, int *n)
{
    struct loc loc;
    *n = 0;
    LS_TRY(get_sequence(c, path, dim == LS_DIM_NONE ? "a list of numbers, e.g. [1.0, 2.5]" : "a list of quantities",
                        n_min, n_max, &loc));
    void *it = NULL;
    struct fy_node *item;
    int i = 0;
    while ((item = fy_node_sequence_iterate(loc.node, &it)) != NULL) {
        int line = ls_config_node_line(item) ? ls_config_node_line(item) : loc.line;
        char item_path[512];
        snprintf(item_path, sizeof item_path, "%s/%d", path, i);
        if (is_empty(item) || !fy_node_is_scalar(item))
            return key_error(c, line, item_path, "expected a number, found %s", is_empty(item) ? "nothing" : kind_name(item));
        LS_TRY(parse_quantity(c, item_path, line, fy_node_get_scalar0(item), dim, default_unit, &out[i]));
        i++;
    }
    *n = i;
    return LS_OK;
}

int ls_config_get_ints(const ls_config *c, const char *path, int n_min, int n_max, int *out, int *n)
{
    struct loc loc;
    *n = 0;
    LS_TRY(get_sequence(c, path, "a list of whole numbers, e.g. [4, 4, 4]", n_min, n_max, &loc));
    void *it = NULL;
    struct fy_node *item;
    int i = 0;
    while ((item = fy_node_sequence_iterate(loc.node, &it)) != NULL) {
        int line = ls_config_node_line(item) ? ls_config_node_line(item) : loc.line;
        long v;
        const char *t = fy_node_is_scalar(item) ? fy_node_get_scalar0(item) : NULL;
        if (t == NULL || ls_parse_long(t, &v) != 0 || v < INT_MIN || v > INT_MAX) {
            char item_path[512];
            snprintf(item_path, sizeof item_path, "%s/%d", path, i);
            return key_error(c, line, item_path, "expected a whole number, found %s%s%s", t ? "'" : "",
                             t ? t : kind_name(item), t ? "'" : "");
        }
        out[i++] = (int)v;
    }
    *n = i;
    return LS_OK;
}

static int get_list(const ls_config *c, const char *path, int required, int *n)
{
    struct loc loc;
    *n = 0;
    if (!required) {
        LS_TRY(locate(c, path, &loc));
        if (!loc.found) return LS_OK;
    }
    LS_TRY(get_sequence(c, path, "a list of mappings ('- key: value' items)", 0, INT_MAX, &loc));
    void *it = NULL;
    struct fy_node *item;
    int i = 0;
    while ((item = fy_node_sequence_iterate(loc.node, &it)) != NULL) {
        if (!fy_node_is_mapping(item)) {
            char item_path[512];
            snprintf(item_path, sizeof item_path, "%s/%d", path, i);
            return key_error(c, ls_config_node_line(item) ? ls_config_node_line(item) : loc.line, item_path,
                             "expected a mapping ('- key: value'), found %s", kind_name(item));
        }
        i++;
    }
    *n = i;
    return LS_OK;
}

int ls_config_opt_items(const ls_config *c, const char *path, int *n)
{
    struct loc loc;
    *n = 0;
    LS_TRY(locate(c, path, &loc));
    if (!loc.found) return LS_OK;
    LS_TRY(get_sequence(c, path, "a list ('[a, b]' or '- item' lines)", 0, INT_MAX, &loc));
    *n = fy_node_sequence_item_count(loc.node);
    return LS_OK;
}

int ls_config_get_list(const ls_config *c, const char *path, int *n) { return get_list(c, path, 1, n); }
int ls_config_opt_list(const ls_config *c, const char *path, int *n) { return get_list(c, path, 0, n); }

int ls_config_check_keys(const ls_config *c, const char *path, const char *const *known)
{
    struct loc loc;
    LS_TRY(locate(c, path, &loc));
    if (!loc.found || loc.node == NULL) return LS_OK;
    if (!fy_node_is_mapping(loc.node))
        return key_error(c, loc.line, path, "expected a mapping (key: value lines), found %s", kind_name(loc.node));
    void *it = NULL;
    struct fy_node_pair *pair;
    const char *first = NULL;
    int first_line = 0, n_unknown = 0;
    while ((pair = fy_node_mapping_iterate(loc.node, &it)) != NULL) {
        struct fy_node *k = fy_node_pair_key(pair);
        const char *ks = k && fy_node_is_scalar(k) ? fy_node_get_scalar0(k) : NULL;
        int ok = 0;
        for (int i = 0; ks && known[i] && !ok; i++) ok = strcmp(ks, known[i]) == 0;
        if (ok) continue;
        if (n_unknown++ == 0) {
            first = ks ? ks : "(a complex key)";
            first_line = ls_config_node_line(k);
        }
    }
    if (n_unknown == 0) return LS_OK;
    char where[300] = "";
    if (path[0]) snprintf(where, sizeof where, " in '%s'", path);
    char more[64] = "";
    if (n_unknown > 1) snprintf(more, sizeof more, "; %d more unknown key%s", n_unknown - 1, n_unknown > 2 ? "s" : "");
    const char *hint = closest(first, known);
    char list[512];
    join(known, list, sizeof list);
    if (hint)
        LS_ERROR(LS_ERR_INPUT, "%s:%d: unknown key '%s'%s (did you mean '%s'?)%s", c->name, first_line > 0 ? first_line : 1,
                 first, where, hint, more);
    LS_ERROR(LS_ERR_INPUT, "%s:%d: unknown key '%s'%s (known keys: %s)%s", c->name, first_line > 0 ? first_line : 1,
             first, where, list, more);
}
