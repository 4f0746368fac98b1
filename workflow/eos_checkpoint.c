/* The checkpoint of the equation of state, `lodestone eos` (format of the container:
 * common/checkpoint.h).
 *
 * Records (n volumes, N atoms; Hartree atomic units):
 *   kind                          "lodestone eos"
 *   eos/format                    2 (1: before --relax, read for fixed-position runs)
 *   eos/input                     the input path as given (for messages only)
 *   eos/input_hash                the identity of the run: "fnv1a64:<hex>" of the input file's bytes
 *                                 (`lodestone eos`), or of the structure (ls_eos_config.input_hash NULL)
 *   eos/n_atom                    N
 *   eos/scales                    [n] volume fractions, in the order of --volumes: the identity too
 *   eos/relax                     "fixed", "positions" (--relax) or "shape" (--relax-shape): identity
 *   eos/fmax_eV_per_A             --fmax of relaxations (0 for fixed positions): identity
 *   eos/stress_tol_GPa            --stress-tol of --relax-shape (0 otherwise): identity
 *   eos/done, eos/converged, eos/scf_iterations          [n] int
 *   eos/volume_bohr3, eos/energy_Ha, eos/pressure_Ha_per_bohr3, eos/wall_s   [n]
 *   eos/stress_Ha_per_bohr3       [n][3][3] (ASE sign)
 *   eos/forces_Ha_per_bohr        [n][N][3] (so that --xyz frames can be written after a restart)
 *   eos/cell_bohr                 [n][3][3] rows, the volume's cell (relaxed with --relax-shape)
 *   eos/positions_bohr            [n][N][3] its positions (relaxed with --relax)
 *   eos/relax_steps, eos/relax_stop   [n] int: optimiser steps; 0 converged, 1 too few steps,
 *                                 2 an SCF did not converge (enum ls_eos_relax_stop)
 *   eos/relax_fmax_eV_per_A, eos/relax_stress_dev_GPa   [n]
 * Entries of volumes not done are zero.  Format 1 has no relax, geometry or relax_* records: its
 * volumes are the scaled input cell with fixed fractional positions.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/checkpoint.h"
#include "common/err.h"
#include "common/textio.h"
#include "workflow/eos_impl.h"

#define EOS_CKPT_KIND "lodestone eos"
#define EOS_CKPT_FORMAT 2

int eos_checkpoint_write(const char *path, const struct ls_eos_result *r)
{
    int status = LS_OK;
    ls_ckpt *c = NULL;
    size_t n = (size_t)r->n, na = (size_t)r->n_atom;
    double *d = calloc(n * 9, sizeof *d);
    int64_t *iv = calloc(n, sizeof *iv);
    if (d == NULL || iv == NULL) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory writing %s", path);
    LS_TRY_GOTO(status, ls_ckpt_create(&c), done);
    LS_TRY_GOTO(status, ls_ckpt_put_string(c, "kind", EOS_CKPT_KIND), done);
    LS_TRY_GOTO(status, ls_ckpt_put_int(c, "eos/format", EOS_CKPT_FORMAT), done);
    LS_TRY_GOTO(status, ls_ckpt_put_string(c, "eos/input", r->input), done);
    LS_TRY_GOTO(status, ls_ckpt_put_string(c, "eos/input_hash", r->input_hash), done);
    LS_TRY_GOTO(status, ls_ckpt_put_int(c, "eos/n_atom", r->n_atom), done);
    LS_TRY_GOTO(status, ls_ckpt_put_string(c, "eos/relax", ls_eos_relax_name(r->relax)), done);
    LS_TRY_GOTO(status, ls_ckpt_put_double(c, "eos/fmax_eV_per_A", r->relax != LS_EOS_FIXED ? r->fmax_ev_a : 0.0), done);
    LS_TRY_GOTO(status, ls_ckpt_put_double(c, "eos/stress_tol_GPa", r->relax == LS_EOS_RELAX_SHAPE ? r->stress_tol_gpa : 0.0),
                done);
#define PUT_FIELD(name, expr, put, arr)                                                \
    do {                                                                               \
        for (size_t i = 0; i < n; i++) {                                               \
            const struct ls_eos_point *p = &r->pt[i];                                     \
            arr[i] = (expr);                                                           \
        }                                                                              \
        LS_TRY_GOTO(status, put(c, name, arr, n), done);                               \
    } while (0)
    PUT_FIELD("eos/scales", p->scale, ls_ckpt_put_doubles, d);
    PUT_FIELD("eos/volume_bohr3", p->done ? p->volume_bohr3 : 0.0, ls_ckpt_put_doubles, d);
    PUT_FIELD("eos/energy_Ha", p->done ? p->energy_ha : 0.0, ls_ckpt_put_doubles, d);
    PUT_FIELD("eos/pressure_Ha_per_bohr3", p->done ? p->pressure_ha_bohr3 : 0.0, ls_ckpt_put_doubles, d);
    PUT_FIELD("eos/wall_s", p->done ? p->wall_s : 0.0, ls_ckpt_put_doubles, d);
    PUT_FIELD("eos/done", p->done, ls_ckpt_put_ints, iv);
    PUT_FIELD("eos/converged", p->done && p->converged, ls_ckpt_put_ints, iv);
    PUT_FIELD("eos/scf_iterations", p->done ? p->n_iter : 0, ls_ckpt_put_ints, iv);
    PUT_FIELD("eos/relax_steps", p->done ? p->relax_steps : 0, ls_ckpt_put_ints, iv);
    PUT_FIELD("eos/relax_stop", p->done ? p->relax_stop : 0, ls_ckpt_put_ints, iv);
    PUT_FIELD("eos/relax_fmax_eV_per_A", p->done ? p->relax_fmax_ev_a : 0.0, ls_ckpt_put_doubles, d);
    PUT_FIELD("eos/relax_stress_dev_GPa", p->done ? p->relax_stress_dev_gpa : 0.0, ls_ckpt_put_doubles, d);
#undef PUT_FIELD
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < 9; k++) d[9 * i + k] = r->pt[i].done ? r->pt[i].stress[k / 3][k % 3] : 0.0;
    LS_TRY_GOTO(status, ls_ckpt_put_doubles(c, "eos/stress_Ha_per_bohr3", d, 9 * n), done);
    LS_TRY_GOTO(status, ls_ckpt_put_doubles(c, "eos/forces_Ha_per_bohr", r->forces, 3 * na * n), done);
    LS_TRY_GOTO(status, ls_ckpt_put_doubles(c, "eos/cell_bohr", r->cell, 9 * n), done);
    LS_TRY_GOTO(status, ls_ckpt_put_doubles(c, "eos/positions_bohr", r->pos, 3 * na * n), done);
    LS_TRY_GOTO(status, ls_ckpt_write(c, path), done);
done:
    ls_ckpt_destroy(c);
    free(d);
    free(iv);
    return status;
}

/* "0.94,0.96,..." (at most ~30 values, then "...") for messages. */
static void format_scales(const double *s, size_t n, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && used + 24 < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%.10g", i ? "," : "", s[i]);
    if (used + 24 >= size && size > 4) snprintf(buf + size - 4, 4, "...");
}

static int get_array(const ls_ckpt *c, const char *path, const char *name, size_t want, const double **v)
{
    size_t n;
    LS_TRY(ls_ckpt_get_doubles(c, name, v, &n));
    if (n != want) LS_ERROR(LS_ERR_INPUT, "%s: corrupt EOS checkpoint ('%s' has %zu values, expected %zu); delete it to start afresh", path, name, n, want);
    return LS_OK;
}

static int get_ints(const ls_ckpt *c, const char *path, const char *name, size_t want, const int64_t **v)
{
    size_t n;
    LS_TRY(ls_ckpt_get_ints(c, name, v, &n));
    if (n != want) LS_ERROR(LS_ERR_INPUT, "%s: corrupt EOS checkpoint ('%s' has %zu values, expected %zu); delete it to start afresh", path, name, n, want);
    return LS_OK;
}

/* "fixed positions", "relaxed positions (--relax)", ... for messages. */
static const char *mode_text(const char *name)
{
    return strcmp(name, "positions") == 0 ? "relaxed positions (--relax)"
           : strcmp(name, "shape") == 0   ? "relaxed positions and cell shape (--relax-shape)"
                                          : "fixed positions (neither --relax nor --relax-shape)";
}

/* The relaxation settings of the identity: mode and thresholds. */
static int check_relax_identity(const ls_ckpt *c, const char *path, int64_t format, const struct ls_eos_result *r)
{
    const char *mode = "fixed";
    double fmax = 0.0, tol = 0.0;
    if (format >= 2) {
        LS_TRY(ls_ckpt_get_string(c, "eos/relax", &mode));
        LS_TRY(ls_ckpt_get_double(c, "eos/fmax_eV_per_A", &fmax));
        LS_TRY(ls_ckpt_get_double(c, "eos/stress_tol_GPa", &tol));
    }
    const char *now = ls_eos_relax_name(r->relax);
    if (strcmp(mode, now) != 0)
        LS_ERROR(LS_ERR_INPUT,
                 "%s%s was written by a run with %s, and this run has %s: rerun with the checkpoint's setting to continue "
                 "it, or delete it (or give --checkpoint another path) to start afresh",
                 path, format < 2 ? " (an EOS checkpoint of format 1, from before --relax)" : "", mode_text(mode),
                 mode_text(now));
    if (r->relax != LS_EOS_FIXED && fabs(fmax - r->fmax_ev_a) > 1e-12 * r->fmax_ev_a)
        LS_ERROR(LS_ERR_INPUT,
                 "%s was written with --fmax %.10g eV/A, this run has --fmax %.10g: rerun with --fmax %.10g to continue "
                 "it, or delete it to start afresh", path, fmax, r->fmax_ev_a, fmax);
    if (r->relax == LS_EOS_RELAX_SHAPE && fabs(tol - r->stress_tol_gpa) > 1e-12 * r->stress_tol_gpa)
        LS_ERROR(LS_ERR_INPUT,
                 "%s was written with --stress-tol %.10g GPa, this run has --stress-tol %.10g: rerun with --stress-tol "
                 "%.10g to continue it, or delete it to start afresh", path, tol, r->stress_tol_gpa, tol);
    return LS_OK;
}

/* The checkpoint belongs to this run: same kind, input content, atoms, volume list, relaxation
 * mode and thresholds. */
static int check_identity(const ls_ckpt *c, const char *path, const struct ls_eos_result *r, int64_t *format)
{
    const char *kind, *hash, *input;
    int64_t n_atom;
    LS_TRY(ls_ckpt_get_string(c, "kind", &kind));
    if (strcmp(kind, EOS_CKPT_KIND) != 0)
        LS_ERROR(LS_ERR_INPUT, "%s: this is a '%s' checkpoint, not one of 'lodestone eos': give --checkpoint another path", path, kind);
    LS_TRY(ls_ckpt_get_int(c, "eos/format", format));
    if (*format != 1 && *format != EOS_CKPT_FORMAT)
        LS_ERROR(LS_ERR_INPUT, "%s: EOS checkpoint format %ld, this program reads formats 1 and %d: delete it to start "
                               "afresh", path, (long)*format, EOS_CKPT_FORMAT);
    LS_TRY(ls_ckpt_get_string(c, "eos/input", &input));
    LS_TRY(ls_ckpt_get_string(c, "eos/input_hash", &hash));
    if (strcmp(hash, r->input_hash) != 0)
        LS_ERROR(LS_ERR_INPUT,
                 "%s belongs to another input: it was written for '%s' with content %s, and %s now has content %s "
                 "(edited since?): delete the checkpoint to start afresh, or give --checkpoint another path",
                 path, input, hash, r->input, r->input_hash);
    LS_TRY(ls_ckpt_get_int(c, "eos/n_atom", &n_atom));
    if (n_atom != r->n_atom)
        LS_ERROR(LS_ERR_INPUT, "%s: the checkpoint has %ld atoms, the input %d: delete it to start afresh", path, (long)n_atom, r->n_atom);
    const double *scales;
    size_t n;
    LS_TRY(ls_ckpt_get_doubles(c, "eos/scales", &scales, &n));
    int same = n == (size_t)r->n;
    for (size_t i = 0; same && i < n; i++) same = fabs(scales[i] - r->pt[i].scale) <= 1e-12;
    if (!same) {
        char was[512], now[512];
        double mine[LS_EOS_MAX_VOLUMES];
        for (int i = 0; i < r->n; i++) mine[i] = r->pt[i].scale;
        format_scales(scales, n, was, sizeof was);
        format_scales(mine, (size_t)r->n, now, sizeof now);
        LS_ERROR(LS_ERR_INPUT,
                 "%s was written for other volumes: --volumes %s (%zu), this run asks for --volumes %s (%d): rerun with the "
                 "checkpoint's volumes, or delete it to start afresh",
                 path, was, n, now, r->n);
    }
    return check_relax_identity(c, path, *format, r);
}

int eos_checkpoint_load(const char *path, struct ls_eos_result *r, int *n_loaded)
{
    *n_loaded = 0;
    ls_ckpt *c = NULL;
    LS_TRY(ls_ckpt_read(path, &c));
    int64_t format = 0;
    int status = check_identity(c, path, r, &format);
    size_t n = (size_t)r->n, na = (size_t)r->n_atom;
    const double *vol, *en, *pr, *wall, *st, *fo, *cell = NULL, *pos = NULL, *rfmax = NULL, *rdev = NULL;
    const int64_t *done, *conv, *iter, *rsteps = NULL, *rstop = NULL;
    if (status == LS_OK) status = get_array(c, path, "eos/volume_bohr3", n, &vol);
    if (status == LS_OK) status = get_array(c, path, "eos/energy_Ha", n, &en);
    if (status == LS_OK) status = get_array(c, path, "eos/pressure_Ha_per_bohr3", n, &pr);
    if (status == LS_OK) status = get_array(c, path, "eos/wall_s", n, &wall);
    if (status == LS_OK) status = get_array(c, path, "eos/stress_Ha_per_bohr3", 9 * n, &st);
    if (status == LS_OK) status = get_array(c, path, "eos/forces_Ha_per_bohr", 3 * na * n, &fo);
    if (status == LS_OK) status = get_ints(c, path, "eos/done", n, &done);
    if (status == LS_OK) status = get_ints(c, path, "eos/converged", n, &conv);
    if (status == LS_OK) status = get_ints(c, path, "eos/scf_iterations", n, &iter);
    if (format >= 2) {
        if (status == LS_OK) status = get_array(c, path, "eos/cell_bohr", 9 * n, &cell);
        if (status == LS_OK) status = get_array(c, path, "eos/positions_bohr", 3 * na * n, &pos);
        if (status == LS_OK) status = get_array(c, path, "eos/relax_fmax_eV_per_A", n, &rfmax);
        if (status == LS_OK) status = get_array(c, path, "eos/relax_stress_dev_GPa", n, &rdev);
        if (status == LS_OK) status = get_ints(c, path, "eos/relax_steps", n, &rsteps);
        if (status == LS_OK) status = get_ints(c, path, "eos/relax_stop", n, &rstop);
    }
    if (status != LS_OK) {
        /* A missing or mistyped record: the getters' message names the record, add the file. */
        if (strstr(ls_error_message(), path) == NULL) ls_error_prefix("%s: ", path);
        ls_ckpt_destroy(c);
        return status;
    }
    for (size_t i = 0; i < n; i++) {
        if (!done[i]) continue;
        struct ls_eos_point *p = &r->pt[i];
        p->done = 1;
        p->from_checkpoint = 1;
        p->volume_bohr3 = vol[i];
        p->energy_ha = en[i];
        p->pressure_ha_bohr3 = pr[i];
        p->wall_s = wall[i];
        p->converged = conv[i] != 0;
        p->n_iter = (int)iter[i];
        for (int k = 0; k < 9; k++) p->stress[k / 3][k % 3] = st[9 * i + k];
        memcpy(r->forces + 3 * na * i, fo + 3 * na * i, 3 * na * sizeof *fo);
        if (format >= 2) {
            memcpy(r->cell + 9 * i, cell + 9 * i, 9 * sizeof *cell);
            memcpy(r->pos + 3 * na * i, pos + 3 * na * i, 3 * na * sizeof *pos);
            p->relax_steps = (int)rsteps[i];
            p->relax_stop = (int)rstop[i];
            p->relax_fmax_ev_a = rfmax[i];
            p->relax_stress_dev_gpa = rdev[i];
        } else {
            /* Format 1: fixed positions (checked above), the scaled input cell. */
            ls_structure *s = NULL;
            int cs = ls_structure_copy(r->s_in, &s);
            if (cs != LS_OK) {
                ls_ckpt_destroy(c);
                return cs;
            }
            eos_structure_scaled(r->s_in, p->scale, s);
            eos_point_set_geometry(r, (int)i, s);
            ls_structure_destroy(s);
        }
        (*n_loaded)++;
    }
    ls_ckpt_destroy(c);
    return LS_OK;
}
