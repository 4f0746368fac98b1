/* Tests of common/buildinfo.c: the version string and one entry per library, each with the version
 * built with and, where the library tells, the one it runs with. */
#include <ctype.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buildinfo.h"
#include "common/test.h"

static void test_version(void)
{
    const char *v = ls_buildinfo_version();
    char want[128];
    snprintf(want, sizeof want, "lodestone %s (git %s)", ls_buildinfo_version_number(), ls_buildinfo_git_revision());
    LS_CHECK_MSG(strcmp(v, want) == 0, "%s", v);
    char *file = ls_test_slurp("VERSION"); /* the Makefile's source of the number */
    if (file) {
        file[strcspn(file, "\n")] = '\0';
        LS_CHECK_MSG(strcmp(file, ls_buildinfo_version_number()) == 0, "VERSION %s, built %s", file,
                     ls_buildinfo_version_number());
    }
    free(file);
}

static void test_libraries(void)
{
    struct ls_libversion v[LS_BUILDINFO_MAX];
    int n = ls_buildinfo_libraries(v, LS_BUILDINFO_MAX);
    const char *names[] = {"FFTW", "OpenBLAS", "LAPACK", "libxc", "spglib", "SQLite", "GSL", "libfyaml", "OpenMP", "MPI"};
    LS_CHECK(n == 10);
    for (int i = 0; i < n && i < 10; i++) {
        LS_CHECK_MSG(strcmp(v[i].name, names[i]) == 0, "entry %d is %s", i, v[i].name);
        LS_CHECK_MSG(v[i].built[0] != '\0' && strcmp(v[i].built, "unknown") != 0, "%s built with '%s'", v[i].name,
                     v[i].built);
        if (i < 9) /* every library but MPI (a serial build) names what it runs with */
            LS_CHECK_MSG(v[i].running[0] != '\0', "%s runs with nothing", v[i].name);
        if (i < 8) LS_CHECK_MSG(isdigit((unsigned char)v[i].built[0]), "%s built '%s'", v[i].name, v[i].built);
    }
    /* SQLite says both from its header and its library. */
    LS_CHECK(strcmp(v[5].built, SQLITE_VERSION) == 0 && strcmp(v[5].running, sqlite3_libversion()) == 0);
    /* Fewer entries when asked for fewer. */
    LS_CHECK(ls_buildinfo_libraries(v, 3) == 3);
}

int main(void)
{
    LS_RUN(test_version);
    LS_RUN(test_libraries);
    return ls_test_summary("test_buildinfo");
}
