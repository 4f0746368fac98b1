/* A small streaming JSON writer for machine-readable outputs.
 *
 *     ls_json *j = NULL;
 *     LS_TRY(ls_json_open_file("out.json", &j));   (or ls_json_wrap(stdout, &j))
 *     ls_json_object_begin(j, NULL);
 *     ls_json_number(j, "energy_eV", e);
 *     ls_json_array_begin(j, "forces_eV_per_A"); ... ls_json_array_end(j);
 *     ls_json_object_end(j);
 *     LS_TRY(ls_json_close(j));   (writes the file atomically when opened from a path)
 *
 * Keys are ignored inside arrays and required inside objects.  Numbers are written with
 * 17 significant digits so doubles round-trip; non-finite numbers become null.
 */
#ifndef LS_JSON_H
#define LS_JSON_H

#include <stdio.h>

typedef struct ls_json ls_json;

int ls_json_open_file(const char *path, ls_json **out);
int ls_json_wrap(FILE *fp, ls_json **out);
/* Finish: checks that every object and array was closed; writes the file. Frees j. */
int ls_json_close(ls_json *j);
void ls_json_abort(ls_json *j); /* free without writing; accepts NULL */

void ls_json_object_begin(ls_json *j, const char *key);
void ls_json_object_end(ls_json *j);
void ls_json_array_begin(ls_json *j, const char *key);
void ls_json_array_end(ls_json *j);
void ls_json_number(ls_json *j, const char *key, double value);
void ls_json_int(ls_json *j, const char *key, long value);
void ls_json_bool(ls_json *j, const char *key, int value);
void ls_json_string(ls_json *j, const char *key, const char *value); /* NULL writes null */
void ls_json_null(ls_json *j, const char *key);
void ls_json_number_array(ls_json *j, const char *key, const double *values, long n);
void ls_json_int_array(ls_json *j, const char *key, const int *values, long n);
/* A rows x cols matrix as an array of arrays (row-major input). */
void ls_json_matrix(ls_json *j, const char *key, const double *values, long rows, long cols);

#endif
