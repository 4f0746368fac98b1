/* Where Lodestone's data lives (the pseudopotential library with its hints and licences): the
 * folder that `make install` fills as PREFIX/share/lodestone, and that a checkout holds as inputs/.
 *
 * The search, first match wins (a match is a folder holding the file asked for):
 *   1. $LODESTONE_DATA, when set and not empty (then nothing else is tried);
 *   2. beside the running program, or in one of its parent folders up to 5 levels: a folder
 *      `inputs/` (a checkout: build/lodestone, build/tests/test_x) or `share/lodestone/` (an
 *      installed tree moved as a whole: PREFIX/bin/lodestone);
 *   3. the data directory compiled in (LS_DATADIR, `make install`'s PREFIX/share/lodestone).
 * The program is /proc/self/exe (a symbolic link to it is followed).
 */
#ifndef LS_DATADIR_H
#define LS_DATADIR_H

#include <stddef.h>

/* The compiled-in data directory (PREFIX/share/lodestone of the build). */
const char *ls_datadir_compiled(void);

/* The data folder holding `rel` (a relative path such as "pseudo/pd04-pbe-sr/Fe.upf") into
 * dir[n] (no trailing slash), and into *how a phrase saying why that folder ("from
 * LODESTONE_DATA", "beside the program", "compiled in"); how may be NULL.  LS_ERR_INPUT when
 * no folder of the search holds it: the message names the places searched and the fix. */
int ls_datadir_find(const char *rel, char *dir, size_t n, const char **how);

#endif
