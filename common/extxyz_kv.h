/* The key=value comment line of extended XYZ files (internal to common/extxyz.c).
 *
 * Reading follows ASE's forms (ase.io.extxyz.key_val_str_to_dict, ASE 3.22):
 * - entries are separated by whitespace; spaces around '=' are allowed ("a = 1");
 * - a value is bare (energy=-1.5), "double quoted", 'single quoted', {curly} or
 *   [bracketed]; quoted segments and bare text next to each other join into one word;
 * - a backslash takes the next character literally, inside or outside quotes (\" \\);
 * - a key without '=' means "T" (true); "a=b=c" gives a the value "b=c".
 * Keys and values are kept as text, without the delimiters.
 *
 * Writing quotes a key or value when it is empty or holds whitespace, quotes, braces,
 * brackets, '=' or a backslash, escaping '"' and '\' with a backslash.
 */
#ifndef LS_EXTXYZ_KV_H
#define LS_EXTXYZ_KV_H

#include <stdio.h>

#include "common/structure.h"
#include "common/textio.h"

/* Parse `line` (the reader's current line; `r` is used for FILE:LINE error messages)
 * into *items (n_items entries, allocated; free with ls_extxyz_kv_free).
 * Returns LS_OK, LS_ERR_INPUT for an unterminated quote, '=' without a key or an empty
 * key, or LS_ERR_NOMEM. */
int ls_extxyz_kv_parse(const ls_text_reader *r, const char *line, struct ls_keyval **items,
                       int *n_items);
void ls_extxyz_kv_free(struct ls_keyval *items, int n_items);
/* A key given twice is LS_ERR_INPUT naming the reader's line and the two entries (Lattice,
 * Properties and pbc compared without regard to case, as they are recognised). */
int ls_extxyz_kv_check_unique(const ls_text_reader *r, const struct ls_keyval *kv, int n_kv);

/* Write `text` to fp, quoted and escaped if needed (see above).  Returns LS_OK or
 * LS_ERR_INPUT if the text holds a newline (it cannot live on one comment line);
 * `what` names the text in that message ("info key 'x' of out.xyz"). */
int ls_extxyz_kv_put(FILE *fp, const char *text, const char *what);

#endif
