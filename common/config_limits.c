/* The limits a YAML text is held to before libfyaml expands it (see config_impl.h): UTF-8 text, and a
 * bounded expansion of its aliases. */
#include <libfyaml.h>

#include "common/config.h"
#include "common/config_impl.h"
#include "common/err.h"

/* YAML text is Unicode: the first byte that is not UTF-8 (or a NUL), as its line and column, or
 * line 0 when the text is clean.  Checked before libfyaml sees the text: libfyaml 0.7.12 loops
 * forever on a directive line holding a stray byte ("%\x96"), found by fuzz/fuzz_yaml_input.c. */
static int bad_utf8(const char *text, size_t length, int *line, int *column, unsigned *byte)
{
    const unsigned char *s = (const unsigned char *)text;
    int l = 1, col = 1;
    for (size_t i = 0; i < length;) {
        unsigned c = s[i];
        int n = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : -1;
        int ok = c != 0 && n >= 0 && i + (size_t)n < length && !(n == 1 && c < 0xC2) && !(n == 3 && c > 0xF4);
        for (int k = 1; ok && k <= n; k++) ok = (s[i + (size_t)k] & 0xC0) == 0x80;
        if (ok && n == 2) ok = !(c == 0xE0 && s[i + 1] < 0xA0) && !(c == 0xED && s[i + 1] >= 0xA0);
        if (ok && n == 3) ok = !(c == 0xF0 && s[i + 1] < 0x90) && !(c == 0xF4 && s[i + 1] >= 0x90);
        if (!ok) {
            *line = l;
            *column = col;
            *byte = c;
            return 1;
        }
        if (c == '\n') {
            l++;
            col = 0;
        }
        col++;
        i += (size_t)n + 1;
    }
    *line = 0;
    return 0;
}

int ls_config_check_text(const char *text, size_t length, const char *name)
{
    int line, column;
    unsigned byte;
    if (bad_utf8(text, length, &line, &column, &byte))
        LS_ERROR(LS_ERR_INPUT, "%s:%d: byte 0x%02x (column %d) is not UTF-8 text: a YAML file is UTF-8 (save it as "
                 "UTF-8, or remove the character)", name, line, byte, column);
    return LS_OK;
}

/* Nodes of the document with every alias expanded, counted against a budget: a "billion laughs"
 * document (an anchor of ten aliases of an anchor of ten aliases ...) expands exponentially, so
 * the expansion is refused before libfyaml resolves it.  Returns 0 within the budget, else -1
 * with *line the line of the alias that went over (or of the too deep node). */
static int count_expanded(struct fy_node *n, long *budget, int depth, int *line)
{
    if (n == NULL) return 0;
    if (--*budget < 0 || depth > LS_CONFIG_MAX_DEPTH) {
        *line = ls_config_node_line(n);
        return -1;
    }
    if (fy_node_is_alias(n)) {
        struct fy_node *target = fy_node_resolve_alias(n);
        if (target == NULL) return 0; /* an unknown anchor or a cycle: fy_document_resolve reports it */
        if (count_expanded(target, budget, depth + 1, line) != 0) {
            *line = ls_config_node_line(n);
            return -1;
        }
        return 0;
    }
    void *it = NULL;
    if (fy_node_is_mapping(n)) {
        struct fy_node_pair *pair;
        while ((pair = fy_node_mapping_iterate(n, &it)) != NULL)
            if (count_expanded(fy_node_pair_key(pair), budget, depth + 1, line) != 0 ||
                count_expanded(fy_node_pair_value(pair), budget, depth + 1, line) != 0)
                return -1;
    } else if (fy_node_is_sequence(n)) {
        struct fy_node *item;
        while ((item = fy_node_sequence_iterate(n, &it)) != NULL)
            if (count_expanded(item, budget, depth + 1, line) != 0) return -1;
    }
    return 0;
}

int ls_config_check_expansion(struct fy_node *root, const char *name)
{
    long budget = LS_CONFIG_MAX_NODES;
    int line = 1;
    if (count_expanded(root, &budget, 0, &line) != 0)
        LS_ERROR(LS_ERR_INPUT, "%s:%d: with its aliases (*name) expanded the document has more than %d values or is "
                 "nested more than %d levels deep: write the values out, or use fewer aliases", name, line > 0 ? line : 1,
                 LS_CONFIG_MAX_NODES, LS_CONFIG_MAX_DEPTH);
    return LS_OK;
}
