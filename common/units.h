/* Units and conversions.
 *
 * Inside the library every quantity is in Hartree atomic units: energy in hartree (Ha),
 * length in bohr, force in Ha/bohr, stress in Ha/bohr^3, magnetic moment in Bohr
 * magnetons, temperature as k_B T in Ha, time in atomic time units.  Other units
 * appear only at the edges (input parsing, output writing) and always in a name
 * (`ecut_ry`, `stress_gpa`).
 *
 * Constants: CODATA 2018 (E. Tiesinga et al., Rev. Mod. Phys. 93, 025010 (2021),
 * doi:10.1103/RevModPhys.93.025010).
 */
#ifndef LS_UNITS_H
#define LS_UNITS_H

#define LS_BOHR_ANGSTROM 0.529177210903          /* 1 bohr in Å */
#define LS_ANGSTROM_BOHR (1.0 / LS_BOHR_ANGSTROM) /* 1 Å in bohr */
#define LS_HARTREE_EV 27.211386245988            /* 1 Ha in eV */
#define LS_EV_HARTREE (1.0 / LS_HARTREE_EV)
#define LS_RY_HARTREE 0.5                         /* 1 Ry in Ha */
#define LS_HARTREE_RY 2.0
#define LS_BOLTZMANN_EV_K 8.617333262e-5          /* k_B in eV/K */
#define LS_AMU_ME 1822.888486209                  /* 1 unified atomic mass unit in electron masses */
#define LS_AU_TIME_FS 2.4188843265857e-2          /* atomic unit of time in fs */
#define LS_EV_PER_A3_GPA 160.21766340             /* 1 eV/Å^3 in GPa (e = 1.602176634e-19 C exactly) */
/* 1 Ha/bohr^3 in GPa: Ha / bohr^3 = 27.211386245988 eV / (0.529177210903 Å)^3 */
#define LS_HA_BOHR3_GPA (LS_HARTREE_EV / (LS_BOHR_ANGSTROM * LS_BOHR_ANGSTROM * LS_BOHR_ANGSTROM) * LS_EV_PER_A3_GPA)
#define LS_HA_BOHR_EV_A (LS_HARTREE_EV / LS_BOHR_ANGSTROM) /* force: 1 Ha/bohr in eV/Å */

/* A quantity read from input with an optional unit, e.g. "90 Ry" or "2.83 angstrom". */
enum ls_dimension {
    LS_DIM_NONE = 0,  /* dimensionless */
    LS_DIM_ENERGY,    /* default unit: Ha */
    LS_DIM_LENGTH,    /* default unit: bohr */
    LS_DIM_INVLENGTH, /* default unit: 1/bohr */
    LS_DIM_FORCE,     /* default unit: Ha/bohr */
    LS_DIM_PRESSURE,  /* default unit: Ha/bohr^3 */
    LS_DIM_TIME,      /* default unit: atomic time unit */
    LS_DIM_TEMPERATURE /* converted to k_B T in Ha */
};

/* Factor that converts a value in `unit` to the internal atomic unit of `dim`.
 * Units are case-insensitive: Ha, hartree, Ry, rydberg, eV, meV, K (temperature and
 * energy), bohr, a.u., angstrom, Å, A, nm, 1/angstrom, 1/bohr, eV/angstrom, Ha/bohr,
 * Ry/bohr, GPa, kbar, bar, eV/angstrom^3, Ha/bohr^3, fs, ps, s, min, h, au.
 * Returns LS_OK, or LS_ERR_INPUT (with a message listing the accepted units) when the
 * unit is unknown for that dimension. */
int ls_unit_factor(enum ls_dimension dim, const char *unit, double *factor);

/* Parse "value [unit]" (e.g. "90 Ry", "2.83angstrom", "1e-6") into internal units.
 * An empty unit means `default_unit` (may be NULL for the atomic unit). */
int ls_quantity_parse(const char *text, enum ls_dimension dim, const char *default_unit,
                      double *value);

const char *ls_dimension_name(enum ls_dimension dim);

#endif
