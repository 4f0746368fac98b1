/* Cutoff hints of a pseudopotential table (PseudoDojo's low / normal / high), read from a
 * HINTS.tsv beside the pseudopotential file, and the default pseudopotential library.
 * Internal to dft/ (used by the input readers).
 *
 * HINTS.tsv: tab-separated, a header line naming the columns, one row per element; the
 * columns used are `element`, `hint_low_Ry`, `hint_normal_Ry`, `hint_high_Ry` (see
 * inputs/pseudo/pd04-pbe-sr/README.md).  A file matches a row when its name is
 * `<element>.upf` (any case of the extension) and the row is for that element.
 */
#ifndef LS_DFT_PSEUDO_HINTS_H
#define LS_DFT_PSEUDO_HINTS_H

#include <stddef.h>

#include "dft/dft.h"

/* Folder of the default pseudopotentials, below the data folder. */
#define DFT_DEFAULT_PSEUDO_SET "pseudo/pd04-pbe-sr"

struct dft_cutoff_hints {
    int found;                   /* 0: no HINTS.tsv or no matching row */
    double low, normal, high;    /* Ha */
};

/* Hints for the pseudopotential file `pseudo_path` of `element` ("Fe").  A missing or
 * non-matching HINTS.tsv is not an error (h->found = 0); a malformed one is LS_ERR_INPUT
 * naming its line. */
int dft_cutoff_hints_find(const char *pseudo_path, const char *element, struct dft_cutoff_hints *h);

/* Warn (ls_log_warn) for every species whose pseudopotential has hints and whose
 * p->ecut_wfc is below the 'low' hint.  Returns the number of warnings; errors in a
 * HINTS.tsv are warned about, not returned (the hint is advice). */
int dft_cutoff_hints_warn(const dft_params *p);

/* Default pseudopotential of an element: DATA/pseudo/pd04-pbe-sr/<El>.upf, where DATA is the data
 * folder of common/datadir.h ($LODESTONE_DATA if set, else inputs/ or share/lodestone/ beside the
 * running program or in a parent folder of it, else the compiled-in PREFIX/share/lodestone).
 * LS_ERR_INPUT with a message saying what was searched when there is no such file; `path` gets
 * the file. */
int dft_default_pseudo(const char *element, char *path, size_t n);
/* The same from the fully relativistic library pseudo/pd04-pbe-fr/ beside it (for spin-orbit
 * coupling; inputs/pseudo/pd04-pbe-fr/README.md lists its elements). */
int dft_default_pseudo_fr(const char *element, char *path, size_t n);

#endif
