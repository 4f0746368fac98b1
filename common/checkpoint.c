/* Checkpoint files: see checkpoint.h for the layout. */
#include "common/checkpoint.h"

#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/textio.h"

enum { CKPT_DOUBLE = 1, CKPT_INT = 2, CKPT_TEXT = 3 };
static const char ckpt_magic[8] = {'L', 'S', 'C', 'K', 'P', 'T', '0', '1'};

struct ckpt_record {
    char *name;
    uint32_t type;
    uint64_t count; /* elements; for text the length without the terminating zero */
    void *data;     /* text records keep a terminating zero */
};

struct ls_ckpt {
    int n, cap;
    struct ckpt_record *rec;
    char source[1024]; /* file read from, for messages */
};

static size_t elem_size(uint32_t type)
{
    return type == CKPT_TEXT ? 1 : 8;
}

uint64_t ls_fnv1a(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

int ls_file_fnv1a(const char *path, uint64_t *hash)
{
    char *text = NULL;
    size_t len = 0;
    LS_TRY(ls_file_read_all(path, &text, &len));
    *hash = ls_fnv1a(LS_FNV1A_SEED, text, len);
    free(text);
    return LS_OK;
}

int ls_ckpt_create(ls_ckpt **out)
{
    *out = calloc(1, sizeof **out);
    if (*out == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    strcpy((*out)->source, "(checkpoint in memory)");
    return LS_OK;
}

void ls_ckpt_destroy(ls_ckpt *c)
{
    if (c == NULL) return;
    for (int i = 0; i < c->n; i++) {
        free(c->rec[i].name);
        free(c->rec[i].data);
    }
    free(c->rec);
    free(c);
}

static struct ckpt_record *find(const ls_ckpt *c, const char *name)
{
    for (int i = 0; i < c->n; i++)
        if (strcmp(c->rec[i].name, name) == 0) return &c->rec[i];
    return NULL;
}

/* Add a record taking ownership of data (freed on failure); replace = 0 appends without looking
 * for a record of that name (the reader, which checks for duplicates at the end). */
static int put_owned(ls_ckpt *c, const char *name, uint32_t type, uint64_t count, void *data, int replace)
{
    struct ckpt_record *r = replace ? find(c, name) : NULL;
    if (r != NULL) {
        free(r->data);
        r->type = type;
        r->count = count;
        r->data = data;
        return LS_OK;
    }
    if (c->n == c->cap) {
        int cap = c->cap ? 2 * c->cap : 16;
        struct ckpt_record *p = realloc(c->rec, (size_t)cap * sizeof *p);
        if (p == NULL) {
            free(data);
            LS_ERROR(LS_ERR_NOMEM, "out of memory");
        }
        c->rec = p;
        c->cap = cap;
    }
    char *nm = malloc(strlen(name) + 1);
    if (nm == NULL) {
        free(data);
        LS_ERROR(LS_ERR_NOMEM, "out of memory");
    }
    strcpy(nm, name);
    c->rec[c->n++] = (struct ckpt_record){nm, type, count, data};
    return LS_OK;
}

static int put_copy_mode(ls_ckpt *c, const char *name, uint32_t type, const void *v, uint64_t count, int replace)
{
    size_t bytes = (size_t)count * elem_size(type);
    void *data = malloc(bytes + 1);
    if (data == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    if (bytes) memcpy(data, v, bytes);
    ((char *)data)[bytes] = '\0';
    return put_owned(c, name, type, count, data, replace);
}

static int put_copy(ls_ckpt *c, const char *name, uint32_t type, const void *v, uint64_t count)
{
    return put_copy_mode(c, name, type, v, count, 1);
}

int ls_ckpt_put_doubles(ls_ckpt *c, const char *name, const double *v, size_t n)
{
    return put_copy(c, name, CKPT_DOUBLE, v, n);
}

int ls_ckpt_put_ints(ls_ckpt *c, const char *name, const int64_t *v, size_t n)
{
    return put_copy(c, name, CKPT_INT, v, n);
}

int ls_ckpt_put_string(ls_ckpt *c, const char *name, const char *text)
{
    return put_copy(c, name, CKPT_TEXT, text, strlen(text));
}

int ls_ckpt_put_double(ls_ckpt *c, const char *name, double v)
{
    return put_copy(c, name, CKPT_DOUBLE, &v, 1);
}

int ls_ckpt_put_int(ls_ckpt *c, const char *name, int64_t v)
{
    return put_copy(c, name, CKPT_INT, &v, 1);
}

static void append(unsigned char **p, const void *src, size_t n)
{
    memcpy(*p, src, n);
    *p += n;
}

int ls_ckpt_write(const ls_ckpt *c, const char *path)
{
    size_t total = sizeof ckpt_magic + 4 + 8;
    for (int i = 0; i < c->n; i++)
        total += 4 + strlen(c->rec[i].name) + 4 + 8 + (size_t)c->rec[i].count * elem_size(c->rec[i].type);
    unsigned char *buf = malloc(total), *p = buf;
    if (buf == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory writing the checkpoint '%s'", path);
    uint32_t n_rec = (uint32_t)c->n;
    append(&p, ckpt_magic, sizeof ckpt_magic);
    append(&p, &n_rec, 4);
    for (int i = 0; i < c->n; i++) {
        const struct ckpt_record *r = &c->rec[i];
        uint32_t len = (uint32_t)strlen(r->name);
        append(&p, &len, 4);
        append(&p, r->name, len);
        append(&p, &r->type, 4);
        append(&p, &r->count, 8);
        append(&p, r->data, (size_t)r->count * elem_size(r->type));
    }
    uint64_t h = ls_fnv1a(LS_FNV1A_SEED, buf, (size_t)(p - buf));
    append(&p, &h, 8);
    int status = ls_file_write_atomic(path, buf, total);
    free(buf);
    return status;
}

/* Bounded reader over the file's bytes. */
struct cursor {
    const unsigned char *p, *end;
};

static int take(struct cursor *cu, void *dst, size_t n)
{
    if ((size_t)(cu->end - cu->p) < n) return 0;
    memcpy(dst, cu->p, n);
    cu->p += n;
    return 1;
}

#define CORRUPT(what)                                                                                  \
    do {                                                                                               \
        status = ls_error_set(LS_ERR_INPUT, __FILE__, __LINE__,                                        \
                              "%s: corrupt checkpoint (%s); delete it to start afresh", path, (what)); \
        goto done;                                                                                     \
    } while (0)

int ls_ckpt_read(const char *path, ls_ckpt **out)
{
    *out = NULL;
    char *text = NULL;
    size_t length = 0;
    LS_TRY(ls_file_read_all(path, &text, &length));
    ls_ckpt *c = NULL;
    int status = ls_ckpt_create(&c);
    if (status != LS_OK) goto done;
    snprintf(c->source, sizeof c->source, "%s", path);
    const unsigned char *bytes = (const unsigned char *)text;
    if (length < sizeof ckpt_magic + 4 + 8 || memcmp(bytes, ckpt_magic, sizeof ckpt_magic) != 0)
        CORRUPT("not a Lodestone checkpoint, or truncated");
    uint64_t h_file;
    memcpy(&h_file, bytes + length - 8, 8);
    if (ls_fnv1a(LS_FNV1A_SEED, bytes, length - 8) != h_file) CORRUPT("checksum mismatch");
    struct cursor cu = {bytes + sizeof ckpt_magic, bytes + length - 8};
    uint32_t n_rec;
    if (!take(&cu, &n_rec, 4)) CORRUPT("truncated header");
    for (uint32_t i = 0; i < n_rec; i++) {
        uint32_t len, type;
        uint64_t count;
        char name[256];
        if (!take(&cu, &len, 4) || len >= sizeof name || !take(&cu, name, len)) CORRUPT("bad record name");
        name[len] = '\0';
        if (!take(&cu, &type, 4) || type < CKPT_DOUBLE || type > CKPT_TEXT || !take(&cu, &count, 8))
            CORRUPT("bad record header");
        size_t bytes_n = (size_t)count * elem_size(type);
        if (count > (uint64_t)(cu.end - cu.p) || (size_t)(cu.end - cu.p) < bytes_n) CORRUPT("record past the end");
        status = put_copy_mode(c, name, type, cu.p, count, 0);
        if (status != LS_OK) goto done;
        cu.p += bytes_n;
    }
    if (cu.p != cu.end) CORRUPT("trailing bytes");
    /* A name twice would make one of the records unreachable: a file no writer makes. */
    const char **names = malloc((size_t)(c->n > 0 ? c->n : 1) * sizeof *names);
    if (names == NULL) {
        status = ls_error_set(LS_ERR_NOMEM, __FILE__, __LINE__, "out of memory reading '%s'", path);
        goto done;
    }
    for (int i = 0; i < c->n; i++) names[i] = c->rec[i].name;
    int earlier, twice = ls_find_duplicate(names, c->n, strcmp, &earlier);
    free(names);
    if (twice >= 0) {
        char what[300];
        snprintf(what, sizeof what, "the record '%s' appears twice", c->rec[twice].name);
        CORRUPT(what);
    }
done:
    free(text);
    if (status != LS_OK) {
        ls_ckpt_destroy(c);
        return status;
    }
    *out = c;
    return LS_OK;
}

int ls_ckpt_has(const ls_ckpt *c, const char *name)
{
    return find(c, name) != NULL;
}

static int get(const ls_ckpt *c, const char *name, uint32_t type, const void **v, size_t *n)
{
    static const char *type_name[] = {"", "numbers", "integers", "text"};
    const struct ckpt_record *r = find(c, name);
    if (r == NULL) LS_ERROR(LS_ERR_INPUT, "%s: the checkpoint has no record '%s'", c->source, name);
    if (r->type != type)
        LS_ERROR(LS_ERR_INPUT, "%s: checkpoint record '%s' holds %s, not %s", c->source, name, type_name[r->type],
                 type_name[type]);
    *v = r->data;
    if (n) *n = (size_t)r->count;
    return LS_OK;
}

int ls_ckpt_get_doubles(const ls_ckpt *c, const char *name, const double **v, size_t *n)
{
    return get(c, name, CKPT_DOUBLE, (const void **)v, n);
}

int ls_ckpt_get_ints(const ls_ckpt *c, const char *name, const int64_t **v, size_t *n)
{
    return get(c, name, CKPT_INT, (const void **)v, n);
}

int ls_ckpt_get_string(const ls_ckpt *c, const char *name, const char **text)
{
    return get(c, name, CKPT_TEXT, (const void **)text, NULL);
}

int ls_ckpt_get_double(const ls_ckpt *c, const char *name, double *v)
{
    const double *p;
    size_t n;
    LS_TRY(ls_ckpt_get_doubles(c, name, &p, &n));
    if (n != 1) LS_ERROR(LS_ERR_INPUT, "%s: checkpoint record '%s' has %zu numbers, not 1", c->source, name, n);
    *v = p[0];
    return LS_OK;
}

int ls_ckpt_get_int(const ls_ckpt *c, const char *name, int64_t *v)
{
    const int64_t *p;
    size_t n;
    LS_TRY(ls_ckpt_get_ints(c, name, &p, &n));
    if (n != 1) LS_ERROR(LS_ERR_INPUT, "%s: checkpoint record '%s' has %zu integers, not 1", c->source, name, n);
    *v = p[0];
    return LS_OK;
}
