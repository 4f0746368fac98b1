/* Checkpoint files: named arrays (doubles, 64-bit integers, text) in one binary file,
 * written atomically (temporary file, fsync, rename) so that a job killed at any moment
 * (SIGTERM at the wall-time limit, kill -9, a node failure) leaves either the previous
 * checkpoint or the new one, never a torn file.
 *
 *     ls_ckpt *c = NULL;
 *     LS_TRY(ls_ckpt_create(&c));
 *     LS_TRY(ls_ckpt_put_string(c, "kind", "eos"));
 *     LS_TRY(ls_ckpt_put_doubles(c, "energy_Ha", e, n));
 *     LS_TRY(ls_ckpt_write(c, "run.ckpt"));
 *     ls_ckpt_destroy(c);
 *
 *     LS_TRY(ls_ckpt_read("run.ckpt", &c));       LS_ERR_IO if absent, LS_ERR_INPUT if corrupt
 *     const double *e; size_t n;
 *     LS_TRY(ls_ckpt_get_doubles(c, "energy_Ha", &e, &n));
 *
 * Layout (host byte order; a checkpoint is read back on the machine or cluster that wrote
 * it): the 8 bytes "LSCKPT01", a uint32 record count, then per record a uint32 name length,
 * the name, a uint32 type (1 double, 2 int64, 3 text), a uint64 element count and the data;
 * last, a 64-bit FNV-1a checksum of everything before it.  A wrong magic, a short file or a
 * checksum mismatch is reported as a corrupt checkpoint naming the file.
 *
 * Why our own: HDF5 or NetCDF would be the standard containers, but a few arrays per run do
 * not justify the dependency; the format is 150 lines and documented here.
 */
#ifndef LS_CHECKPOINT_H
#define LS_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

typedef struct ls_ckpt ls_ckpt;

/* 64-bit FNV-1a of n bytes, continuing from h (start from LS_FNV1A_SEED): the checksum of
 * checkpoint files, and the fingerprint of the inputs a checkpoint belongs to. */
#define LS_FNV1A_SEED 1469598103934665603ULL
uint64_t ls_fnv1a(uint64_t h, const void *data, size_t n);
/* The FNV-1a of a whole file's bytes (an input's content fingerprint); LS_ERR_IO if unreadable. */
int ls_file_fnv1a(const char *path, uint64_t *hash);

int ls_ckpt_create(ls_ckpt **out);
void ls_ckpt_destroy(ls_ckpt *c); /* accepts NULL */

/* Add (or replace) a record; the data are copied. */
int ls_ckpt_put_doubles(ls_ckpt *c, const char *name, const double *v, size_t n);
int ls_ckpt_put_ints(ls_ckpt *c, const char *name, const int64_t *v, size_t n);
int ls_ckpt_put_string(ls_ckpt *c, const char *name, const char *text);
int ls_ckpt_put_double(ls_ckpt *c, const char *name, double v);
int ls_ckpt_put_int(ls_ckpt *c, const char *name, int64_t v);

/* Write atomically.  LS_ERR_IO naming the file on failure (the previous file is kept). */
int ls_ckpt_write(const ls_ckpt *c, const char *path);
/* Read and verify.  LS_ERR_IO if the file cannot be read, LS_ERR_INPUT if it is not an
 * intact checkpoint ("FILE: corrupt checkpoint (...); delete it to start afresh"). */
int ls_ckpt_read(const char *path, ls_ckpt **out);

int ls_ckpt_has(const ls_ckpt *c, const char *name);
/* Getters: LS_ERR_INPUT naming the record when it is missing or of another type.  The
 * pointers stay valid until the record is replaced or c is destroyed. */
int ls_ckpt_get_doubles(const ls_ckpt *c, const char *name, const double **v, size_t *n);
int ls_ckpt_get_ints(const ls_ckpt *c, const char *name, const int64_t **v, size_t *n);
int ls_ckpt_get_string(const ls_ckpt *c, const char *name, const char **text);
int ls_ckpt_get_double(const ls_ckpt *c, const char *name, double *v); /* exactly one element */
int ls_ckpt_get_int(const ls_ckpt *c, const char *name, int64_t *v);

#endif
