/* lodestone --version: the program's version and git revision, where its data directory is, and
 * the libraries it was built with and runs with (common/buildinfo.h). */
#include <stdio.h>

#include "apps/cli.h"
#include "common/buildinfo.h"
#include "common/datadir.h"
#include "common/err.h"

void cli_print_version(FILE *f)
{
    fprintf(f, "%s\n", cli_version());
    char dir[4096];
    const char *how = "";
    /* The pseudopotential library's hints file marks a data folder. */
    if (ls_datadir_find("pseudo/pd04-pbe-sr/HINTS.tsv", dir, sizeof dir, &how) == LS_OK)
        fprintf(f, "data directory: %s (%s; LODESTONE_DATA overrides it)\n", dir, how);
    else
        fprintf(f, "data directory: not found (%s)\n", ls_error_message());
    ls_error_clear();
    struct ls_libversion v[LS_BUILDINFO_MAX];
    int n = ls_buildinfo_libraries(v, LS_BUILDINFO_MAX);
    fprintf(f, "%-10s %-28s %s\n", "library", "built with", "running with");
    for (int i = 0; i < n; i++)
        fprintf(f, "%-10s %-28s %s\n", v[i].name, v[i].built, v[i].running[0] ? v[i].running : "-");
}
