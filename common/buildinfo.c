/* Library versions at build time and at run time; see buildinfo.h.  The versions that no header
 * carries (LS_BUILT_FFTW, LS_BUILT_LAPACKE, LS_BUILT_SPGLIB, LS_BUILT_FYAML) come from
 * build/buildinfo_versions.h, which the Makefile writes with tools/buildinfo_versions.sh; the version
 * and git revision (LS_VERSION, LS_GIT_REV) come from the Makefile's flags for this file only, so that
 * a commit recompiles this one file. */
#include "common/buildinfo.h"

#include <cblas.h>
#include <fftw3.h>
#include <gsl/gsl_version.h>
#include <lapacke.h>
#include <libfyaml.h>
#include <omp.h>
#include <spglib.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <xc.h>

#include "common/parallel.h"

#ifdef LS_BUILDINFO_VERSIONS
#include "buildinfo_versions.h" /* build/: tools/buildinfo_versions.sh */
#endif
#ifndef LS_VERSION
#define LS_VERSION "0.0.0"
#endif
#ifndef LS_GIT_REV
#define LS_GIT_REV "unknown"
#endif
#ifndef LS_BUILT_FFTW
#define LS_BUILT_FFTW "unknown"
#endif
#ifndef LS_BUILT_LAPACKE
#define LS_BUILT_LAPACKE "unknown"
#endif
#ifndef LS_BUILT_SPGLIB
#define LS_BUILT_SPGLIB "unknown"
#endif
#ifndef LS_BUILT_FYAML
#define LS_BUILT_FYAML "unknown"
#endif

const char *ls_buildinfo_version(void) { return "lodestone " LS_VERSION " (git " LS_GIT_REV ")"; }
const char *ls_buildinfo_version_number(void) { return LS_VERSION; }
const char *ls_buildinfo_git_revision(void) { return LS_GIT_REV; }

/* Copy s without leading and trailing blanks (OPENBLAS_VERSION is " OpenBLAS 0.3.21 "). */
static void copy_trimmed(char *dst, size_t n, const char *s)
{
    while (*s == ' ') s++;
    size_t len = strlen(s);
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\n')) len--;
    snprintf(dst, n, "%.*s", (int)len, s);
}

int ls_buildinfo_libraries(struct ls_libversion *v, int max)
{
    int k = 0;
#define ADD(NAME)                                        \
    if (k >= max) return k;                             \
    memset(&v[k], 0, sizeof v[k]);                      \
    v[k].name = (NAME);                                 \
    k++;

    ADD("FFTW");
    copy_trimmed(v[k - 1].built, sizeof v[k - 1].built, LS_BUILT_FFTW);
    copy_trimmed(v[k - 1].running, sizeof v[k - 1].running, fftw_version);

    ADD("OpenBLAS");
    copy_trimmed(v[k - 1].built, sizeof v[k - 1].built, OPENBLAS_VERSION);
    if (strncmp(v[k - 1].built, "OpenBLAS ", 9) == 0) memmove(v[k - 1].built, v[k - 1].built + 9, strlen(v[k - 1].built + 9) + 1);
    copy_trimmed(v[k - 1].running, sizeof v[k - 1].running, openblas_get_config());

    ADD("LAPACK");
    copy_trimmed(v[k - 1].built, sizeof v[k - 1].built, LS_BUILT_LAPACKE);
    lapack_int major = 0, minor = 0, patch = 0;
    LAPACKE_ilaver(&major, &minor, &patch);
    snprintf(v[k - 1].running, sizeof v[k - 1].running, "%d.%d.%d", (int)major, (int)minor, (int)patch);

    ADD("libxc");
    copy_trimmed(v[k - 1].built, sizeof v[k - 1].built, XC_VERSION);
    copy_trimmed(v[k - 1].running, sizeof v[k - 1].running, xc_version_string());

    ADD("spglib");
    copy_trimmed(v[k - 1].built, sizeof v[k - 1].built, LS_BUILT_SPGLIB);
    snprintf(v[k - 1].running, sizeof v[k - 1].running, "%d.%d.%d", spg_get_major_version(), spg_get_minor_version(),
             spg_get_micro_version());

    ADD("SQLite");
    copy_trimmed(v[k - 1].built, sizeof v[k - 1].built, SQLITE_VERSION);
    copy_trimmed(v[k - 1].running, sizeof v[k - 1].running, sqlite3_libversion());

    ADD("GSL");
    copy_trimmed(v[k - 1].built, sizeof v[k - 1].built, GSL_VERSION);
    copy_trimmed(v[k - 1].running, sizeof v[k - 1].running, gsl_version);

    ADD("libfyaml");
    copy_trimmed(v[k - 1].built, sizeof v[k - 1].built, LS_BUILT_FYAML);
    copy_trimmed(v[k - 1].running, sizeof v[k - 1].running, fy_library_version());

    ADD("OpenMP");
    snprintf(v[k - 1].built, sizeof v[k - 1].built, "%d (specification date)", (int)_OPENMP);
    snprintf(v[k - 1].running, sizeof v[k - 1].running, "up to %d threads", omp_get_max_threads());

    ADD("MPI");
    ls_par_library_version(v[k - 1].built, sizeof v[k - 1].built, v[k - 1].running, sizeof v[k - 1].running);
#undef ADD
    return k;
}
