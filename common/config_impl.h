/* Internal to common/config*.c: the checks a YAML text passes before libfyaml expands it
 * (config_limits.c), and the line of a node (config.c). */
#ifndef LS_CONFIG_IMPL_H
#define LS_CONFIG_IMPL_H

#include <stddef.h>

struct fy_node;

/* 1-based line of a node: its token for scalars, the first scalar inside collections; 0 if none. */
int ls_config_node_line(struct fy_node *n);

/* The text is UTF-8 without NUL bytes: else LS_ERR_INPUT naming the line, column and byte (libfyaml
 * 0.7.12 loops forever on a directive line holding a stray byte, "%\x96"). */
int ls_config_check_text(const char *text, size_t length, const char *name);

/* With every alias expanded the document has at most LS_CONFIG_MAX_NODES values and
 * LS_CONFIG_MAX_DEPTH levels (counted against a budget, so that a "billion laughs" document costs
 * no more than the budget): else LS_ERR_INPUT naming the line of the alias that went over. */
int ls_config_check_expansion(struct fy_node *root, const char *name);

#endif
