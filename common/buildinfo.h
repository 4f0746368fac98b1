/* What the program was built with and runs with: the versions of the libraries it links (FFTW,
 * OpenBLAS, LAPACKE, libxc, spglib, SQLite, GSL, libfyaml, OpenMP, MPI), for `lodestone --version`
 * and for records of a run.
 *
 * "built" is the version of the headers compiled against (their version macro, else the version
 * pkg-config reported when the Makefile ran, else what the library linked at build time said),
 * "running" what the library loaded now reports about itself, or "" when it has no such call.
 */
#ifndef LS_BUILDINFO_H
#define LS_BUILDINFO_H

/* "lodestone X.Y.Z (git REV)", and its parts "X.Y.Z" (the VERSION file) and the short git revision
 * of the build ("unknown" outside a git checkout). */
const char *ls_buildinfo_version(void);
const char *ls_buildinfo_version_number(void);
const char *ls_buildinfo_git_revision(void);

#define LS_BUILDINFO_MAX 12

struct ls_libversion {
    const char *name;  /* "FFTW", "OpenBLAS", ... */
    char built[64];    /* "3.3.10", or "unknown" */
    char running[160]; /* "fftw-3.3.10-sse2-avx", or "" */
};

/* Fills v[0..LS_BUILDINFO_MAX-1]; returns how many entries were filled. */
int ls_buildinfo_libraries(struct ls_libversion *v, int max);

#endif
