/* liblodestone: the C interface of Lodestone's neural-network potentials for callers in the same
 * process (the Python package's ASE calculator through ctypes, or a C, C++ or Fortran program).
 * Built by `make lib` as build/liblodestone.so; `make install` puts it in PREFIX/lib and this header
 * in PREFIX/include.
 *
 *     lodestone_potential *pot = NULL;
 *     if (lodestone_potential_load("cu.model", &pot) != 0) fprintf(stderr, "%s\n", lodestone_last_error());
 *     double e, f[2][3], stress[3][3];
 *     lodestone_potential_predict(pot, 2, z, pos, cell, pbc, &e, &f[0][0], &stress[0][0], NULL, NULL, NULL);
 *     lodestone_potential_free(pot);
 *
 * Units at this interface are ASE's: Å, eV, eV/Å, eV/Å^3 (the library computes in Hartree atomic
 * units and converts with the factors of its command-line output, so a prediction here equals
 * `lodestone predict`'s).  Cells are three rows, the lattice vectors a, b, c; arrays are flat and
 * row-major.  Stress is the ASE sign convention (positive = tensile), as the full 3 x 3 tensor.
 *
 * Status: every int-returning function returns 0 on success, 2 for bad input (an unreadable or
 * malformed model file, an element the model does not know, a non-finite position) and 1 for a
 * failed computation (out of memory), the exit codes of the `lodestone` program; then
 * lodestone_last_error() says what was wrong (a message of the calling thread).
 *
 * Threads: a prediction uses OpenMP threads over atoms (OMP_NUM_THREADS, or lodestone_set_threads).
 * One potential may be used by one thread at a time (it keeps a scratch structure between calls);
 * separate potentials may be used concurrently.
 */
#ifndef LODESTONE_H
#define LODESTONE_H

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define LODESTONE_API __attribute__((visibility("default")))
#else
#define LODESTONE_API
#endif

/* The version of this interface's header and library: bump the number when a function changes. */
#define LODESTONE_CAPI_VERSION 1

typedef struct lodestone_potential lodestone_potential;

/* "lodestone X.Y.Z (git REV)" of the library. */
LODESTONE_API const char *lodestone_version(void);
/* LODESTONE_CAPI_VERSION of the library (compare with the header's). */
LODESTONE_API int lodestone_capi_version(void);
/* The message of the last failed call in this thread ("" if none). */
LODESTONE_API const char *lodestone_last_error(void);
/* OpenMP threads for the predictions of the calling thread (n >= 1). */
LODESTONE_API void lodestone_set_threads(int n);

/* Load a model file written by `lodestone train` (or nnp_model_save).  *out is NULL on failure. */
LODESTONE_API int lodestone_potential_load(const char *path, lodestone_potential **out);
/* Free a potential (NULL accepted). */
LODESTONE_API void lodestone_potential_free(lodestone_potential *pot);

/* What the model is: its elements (atomic numbers, i = 0 .. n_elements-1), descriptor cutoff (Å),
 * ensemble members, and a one-line description (a static buffer of the potential). */
LODESTONE_API int lodestone_potential_n_elements(const lodestone_potential *pot);
LODESTONE_API int lodestone_potential_element(const lodestone_potential *pot, int i);
LODESTONE_API double lodestone_potential_cutoff_a(const lodestone_potential *pot);
LODESTONE_API int lodestone_potential_n_members(const lodestone_potential *pot);
LODESTONE_API const char *lodestone_potential_describe(lodestone_potential *pot);

/* Energy (eV) of n_atom atoms of atomic numbers numbers[n_atom] at positions_a[n_atom][3] (Å,
 * Cartesian) in the cell cell_a[3][3] (Å, rows) with periodicity pbc[3] (1 periodic, 0 not: the
 * cell vector is then only a box), and optionally (NULL: not computed) forces_ev_a[n_atom][3] (eV/Å),
 * stress_ev_a3[3][3] (eV/Å^3, ASE sign; needs pbc all 1, else status 2), energies_ev[n_atom] (the
 * atomic energies, eV), and for ensembles the spreads (standard deviations over the members, 0
 * for one member): energy_std_ev (eV) and forces_std_ev_a[n_atom][3] (eV/Å). */
LODESTONE_API int lodestone_potential_predict(lodestone_potential *pot, int n_atom, const int *numbers,
                                              const double *positions_a, const double *cell_a, const int *pbc,
                                              double *energy_ev, double *forces_ev_a, double *stress_ev_a3,
                                              double *energies_ev, double *energy_std_ev, double *forces_std_ev_a);

#ifdef __cplusplus
}
#endif

#endif
