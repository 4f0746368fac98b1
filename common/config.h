/* YAML input files (through libfyaml), with typed getters whose errors name the file, the
 * line and the key:  "run.yaml:7: key 'scf/ecut': unknown energy unit 'Rx' (accepted: ...)".
 *
 *     ls_config *cfg = NULL;
 *     LS_TRY(ls_config_load("run.yaml", &cfg));
 *     double ecut, beta;
 *     status = ls_config_get_quantity(cfg, "scf/ecut", LS_DIM_ENERGY, "Ry", &ecut);   // required
 *     status = ls_config_opt_double(cfg, "scf/mixing/beta", 0.7, &beta);               // optional
 *     int n_species;
 *     status = ls_config_get_list(cfg, "species", &n_species);    // items "species/0", ...
 *     status = ls_config_get_string(cfg, "species/0/name", &name);
 *     static const char *const known[] = {"scf", "species", NULL};
 *     status = ls_config_check_keys(cfg, "", known);              // typo detection
 *     ls_config_destroy(cfg);
 *
 * Paths: keys separated by '/', a whole number selects an item of a sequence (0-based), ""
 * is the top level.  Keys that contain '/' cannot be addressed.
 * Values: a key written without a value ("ecut:"), "~" or "null" counts as present but
 * empty, which every getter reports as an error (also the optional ones).
 * Quantities: "90 Ry", "2.83 angstrom" or a bare number, which is in the caller's default
 * unit (NULL: the atomic unit); see ls_quantity_parse in common/units.h for the units.
 * Errors: every getter returns LS_ERR_INPUT with "FILE:LINE: key 'PATH': what was expected,
 * what was found"; a missing required key names the line of the enclosing mapping.  YAML
 * syntax errors are captured from libfyaml's diagnostics (nothing is printed) and reported
 * as LS_ERR_INPUT with file, line and column.  Aliases and merge keys are resolved, within
 * LS_CONFIG_MAX_NODES and LS_CONFIG_MAX_DEPTH.
 * Returned strings are owned by the config and valid until ls_config_destroy.
 */
#ifndef LS_CONFIG_H
#define LS_CONFIG_H

#include <stddef.h>

#include "common/units.h"

typedef struct ls_config ls_config;

/* Limits of a document, checked before its aliases are expanded (a few hundred bytes of nested
 * aliases can stand for billions of values): values counted with every alias expanded, and
 * nesting depth.  LS_ERR_INPUT beyond them. */
#define LS_CONFIG_MAX_NODES 1000000
#define LS_CONFIG_MAX_DEPTH 1000

/* Parse a YAML file; the top level must be a mapping (an empty file is an empty mapping).
 * LS_ERR_IO if the file cannot be read, LS_ERR_INPUT for YAML errors. */
int ls_config_load(const char *path, ls_config **out);
/* Parse YAML text held in memory; `name` stands for the file name in messages. */
int ls_config_parse(const char *text, size_t length, const char *name, ls_config **out);
void ls_config_destroy(ls_config *cfg); /* accepts NULL */
const char *ls_config_name(const ls_config *cfg);

/* 1 if the key exists (even with an empty value), 0 if not. */
int ls_config_has(const ls_config *cfg, const char *path);
/* 1-based line of the key (or sequence item), 0 if absent. */
int ls_config_line(const ls_config *cfg, const char *path);

/* Required values: LS_ERR_INPUT if the key is missing or the value has the wrong type. */
int ls_config_get_double(const ls_config *cfg, const char *path, double *out);
int ls_config_get_quantity(const ls_config *cfg, const char *path, enum ls_dimension dim,
                           const char *default_unit, double *out);
int ls_config_get_int(const ls_config *cfg, const char *path, int *out);
/* true/false, yes/no, on/off (any case). */
int ls_config_get_bool(const ls_config *cfg, const char *path, int *out);
int ls_config_get_string(const ls_config *cfg, const char *path, const char **out);
/* A string among `choices` (NULL-terminated, compared without regard to case); *index is
 * its position.  The error lists the choices and suggests the closest. */
int ls_config_get_enum(const ls_config *cfg, const char *path, const char *const *choices, int *index);

/* Optional values: *out = fallback when the key is absent; errors as above otherwise. */
int ls_config_opt_double(const ls_config *cfg, const char *path, double fallback, double *out);
int ls_config_opt_quantity(const ls_config *cfg, const char *path, enum ls_dimension dim,
                           const char *default_unit, double fallback, double *out);
int ls_config_opt_int(const ls_config *cfg, const char *path, int fallback, int *out);
int ls_config_opt_bool(const ls_config *cfg, const char *path, int fallback, int *out);
int ls_config_opt_string(const ls_config *cfg, const char *path, const char *fallback, const char **out);
int ls_config_opt_enum(const ls_config *cfg, const char *path, const char *const *choices, int fallback,
                       int *index);

/* A sequence of numbers ("[4, 4, 4]" or a block list) with n_min..n_max items, each a
 * quantity of dimension `dim` (LS_DIM_NONE for plain numbers) with an optional unit.
 * out holds n_max values; *n receives the count.  Required (missing key is an error). */
int ls_config_get_doubles(const ls_config *cfg, const char *path, enum ls_dimension dim,
                          const char *default_unit, int n_min, int n_max, double *out, int *n);
int ls_config_get_ints(const ls_config *cfg, const char *path, int n_min, int n_max, int *out, int *n);

/* A sequence of mappings (e.g. species with name/pseudo/magnetisation): *n items,
 * addressed as "PATH/0", "PATH/1", ...  The opt_ form gives *n = 0 when absent. */
int ls_config_get_list(const ls_config *cfg, const char *path, int *n);
int ls_config_opt_list(const ls_config *cfg, const char *path, int *n);
/* A sequence of any items (scalars or mappings, e.g. element symbols): *n items, addressed as
 * "PATH/0", ...; *n = 0 when absent.  LS_ERR_INPUT when the value is not a sequence. */
int ls_config_opt_items(const ls_config *cfg, const char *path, int *n);

/* Typo detection: every key of the mapping at `path` must be in `known` (NULL-terminated).
 * The first unknown key is reported with its line and the closest known key:
 * "run.yaml:3: unknown key 'ecutt' in 'scf' (did you mean 'ecut'?)".  An absent mapping
 * passes; a value at `path` that is not a mapping is an error. */
int ls_config_check_keys(const ls_config *cfg, const char *path, const char *const *known);

#endif
