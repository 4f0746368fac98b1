/* Relaxation state on disk: the checkpoint (with the run's identity) and the trajectory
 * (extended XYZ, one frame per step), truncated on restart so that no step appears twice. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "common/extxyz_kv.h"
#include "common/io.h"
#include "workflow/relax_impl.h"
#include "common/textio.h"
#include "common/units.h"

#define RELAX_CKPT_KIND "lodestone relax"
#define RELAX_CKPT_FORMAT 1

int ls_relax_history_push(struct ls_relax_result *res, const struct ls_relax_history *h)
{
    /* Grow by powers of two: the capacity is implied by the count. */
    int n = res->n_history;
    if (n == 0 || (n & (n - 1)) == 0) {
        struct ls_relax_history *p = realloc(res->history, (size_t)(n ? 2 * n : 1) * sizeof *p);
        if (p == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
        res->history = p;
    }
    res->history[res->n_history++] = *h;
    return LS_OK;
}

/* History columns, in the order of struct ls_relax_history after `step`. */
static const char *const hist_names[] = {"hist.energy_Ha",       "hist.enthalpy_Ha",   "hist.fmax_eV_per_A",
                                         "hist.stress_dev_GPa", "hist.pressure_GPa", "hist.volume_bohr3"};
enum { N_HIST_COL = 6 };

static double *hist_column(struct ls_relax_history *h, int col)
{
    double *cols[N_HIST_COL] = {&h->energy, &h->enthalpy, &h->fmax_ev_a, &h->stress_dev_gpa, &h->pressure_gpa,
                                &h->volume_bohr3};
    return cols[col];
}

int ls_relax_state_write(const struct ls_relax_state *st, const struct ls_relax_config *cfg, const ls_structure *s)
{
    ls_ckpt *c = NULL;
    double *col = NULL;
    int64_t *steps = NULL;
    int status = LS_OK;
    const int nh = st->res->n_history;
    LS_TRY(ls_ckpt_create(&c));
    col = malloc((size_t)(nh + 1) * sizeof *col);
    steps = malloc((size_t)(nh + 1) * sizeof *steps);
    if (!col || !steps) LS_ERROR_GOTO(status, LS_ERR_NOMEM, done, "out of memory");
    LS_TRY_GOTO(status, ls_ckpt_put_string(c, "kind", RELAX_CKPT_KIND), done);
    LS_TRY_GOTO(status, ls_ckpt_put_int(c, "format", RELAX_CKPT_FORMAT), done);
    LS_TRY_GOTO(status, ls_ckpt_put_string(c, "identity", cfg->identity ? cfg->identity : ""), done);
    LS_TRY_GOTO(status, ls_ckpt_put_string(c, "optimizer", st->opt->name), done);
    LS_TRY_GOTO(status, ls_ckpt_put_int(c, "n_atom", st->n_atom), done);
    LS_TRY_GOTO(status, ls_ckpt_put_int(c, "relax_cell", st->relax_cell), done);
    LS_TRY_GOTO(status, ls_ckpt_put_int(c, "fixed_volume", st->fixed_volume), done);
    LS_TRY_GOTO(status, ls_ckpt_put_int(c, "step", st->step), done);
    LS_TRY_GOTO(status, ls_ckpt_put_doubles(c, "q", st->q, (size_t)st->nq), done);
    LS_TRY_GOTO(status, ls_ckpt_put_doubles(c, "cell0_bohr", &st->cell0[0][0], 9), done);
    /* The geometry of the next step, for inspection (q is what a restart uses). */
    LS_TRY_GOTO(status, ls_ckpt_put_doubles(c, "cell_bohr", &s->cell[0][0], 9), done);
    LS_TRY_GOTO(status, ls_ckpt_put_doubles(c, "positions_bohr", &s->pos[0][0], 3 * (size_t)s->n_atom), done);
    for (int i = 0; i < nh; i++) steps[i] = st->res->history[i].step;
    LS_TRY_GOTO(status, ls_ckpt_put_ints(c, "hist.step", steps, (size_t)nh), done);
    for (int k = 0; k < N_HIST_COL; k++) {
        for (int i = 0; i < nh; i++) col[i] = *hist_column(&st->res->history[i], k);
        LS_TRY_GOTO(status, ls_ckpt_put_doubles(c, hist_names[k], col, (size_t)nh), done);
    }
    LS_TRY_GOTO(status, st->opt->save(st->opt_state, c), done);
    LS_TRY_GOTO(status, ls_ckpt_write(c, cfg->checkpoint), done);
done:
    free(col);
    free(steps);
    ls_ckpt_destroy(c);
    return status;
}

/* Compare identities line by line; name the first difference. */
static int check_identity(const char *path, const char *old, const char *now)
{
    if (strcmp(old, now) == 0) return LS_OK;
    const char *a = old, *b = now;
    for (;;) {
        size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");
        if (la != lb || strncmp(a, b, la) != 0) {
            size_t key = strcspn(a, ":");
            if (key > la) key = la;
            if (key == 5 && strncmp(a, "input", 5) == 0 && strncmp(b, "input:", 6) == 0)
                LS_ERROR(LS_ERR_INPUT,
                         "%s was written for another input (checkpoint: %.*s; this run: %.*s): delete it to start "
                         "afresh, give another --checkpoint, or run without --restart",
                         path, (int)la, a, (int)lb, b);
            LS_ERROR(LS_ERR_INPUT,
                     "%s was written by a run with other settings (checkpoint: '%.*s'; this run: '%.*s'): restart with "
                     "the same options, or delete it to start afresh",
                     path, (int)la, a, (int)lb, b);
        }
        if (a[la] == '\0' || b[lb] == '\0') break;
        a += la + 1;
        b += lb + 1;
    }
    LS_ERROR(LS_ERR_INPUT, "%s was written by another run (identity differs); delete it to start afresh", path);
}

int ls_relax_state_read(struct ls_relax_state *st, const struct ls_relax_config *cfg)
{
    ls_ckpt *c = NULL;
    const char *path = cfg->checkpoint, *text = NULL;
    const double *v = NULL;
    const int64_t *iv = NULL;
    size_t n = 0;
    int64_t k = 0;
    int status = LS_OK;
    LS_TRY(ls_ckpt_read(path, &c));
    LS_TRY_GOTO(status, ls_ckpt_get_string(c, "kind", &text), done);
    if (strcmp(text, RELAX_CKPT_KIND) != 0)
        LS_ERROR_GOTO(status, LS_ERR_INPUT, done,
                      "%s is a checkpoint of '%s', not of a relaxation: give another --checkpoint", path, text);
    LS_TRY_GOTO(status, ls_ckpt_get_int(c, "format", &k), done);
    if (k != RELAX_CKPT_FORMAT)
        LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "%s has checkpoint format %lld, this program reads %d: delete it",
                      path, (long long)k, RELAX_CKPT_FORMAT);
    LS_TRY_GOTO(status, ls_ckpt_get_string(c, "identity", &text), done);
    LS_TRY_GOTO(status, check_identity(path, text, cfg->identity ? cfg->identity : ""), done);
    LS_TRY_GOTO(status, ls_ckpt_get_string(c, "optimizer", &text), done);
    if (strcmp(text, st->opt->name) != 0)
        LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "%s was written by the %s optimizer, this run uses %s", path, text,
                      st->opt->name);
    LS_TRY_GOTO(status, ls_ckpt_get_int(c, "n_atom", &k), done);
    if (k != st->n_atom)
        LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "%s holds %lld atoms, the structure %d", path, (long long)k, st->n_atom);
    LS_TRY_GOTO(status, ls_ckpt_get_int(c, "relax_cell", &k), done);
    if ((k != 0) != (st->relax_cell != 0))
        LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "%s was written %s --cell: restart with the same options", path,
                      k ? "with" : "without");
    /* Absent in checkpoints written before the fixed-volume mode: those relaxed at free volume. */
    k = 0;
    if (ls_ckpt_has(c, "fixed_volume")) LS_TRY_GOTO(status, ls_ckpt_get_int(c, "fixed_volume", &k), done);
    if ((k != 0) != (st->fixed_volume != 0))
        LS_ERROR_GOTO(status, LS_ERR_INPUT, done,
                      "%s was written by a cell relaxation %s, this run relaxes the cell %s: restart with the same "
                      "options, or delete it to start afresh", path, k ? "at fixed volume (shape only)" : "with a free volume",
                      st->fixed_volume ? "shape at fixed volume" : "with a free volume");
    LS_TRY_GOTO(status, ls_ckpt_get_int(c, "step", &k), done);
    if (k < 0 || k > 100000000)
        LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "%s: step %lld out of range (corrupt checkpoint)", path, (long long)k);
    st->step = (int)k;
    LS_TRY_GOTO(status, ls_ckpt_get_doubles(c, "q", &v, &n), done);
    if ((long)n != st->nq)
        LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "%s: %zu coordinates, expected %ld (corrupt checkpoint)", path, n,
                      st->nq);
    memcpy(st->q, v, n * sizeof *v);
    LS_TRY_GOTO(status, ls_ckpt_get_doubles(c, "cell0_bohr", &v, &n), done);
    if (n != 9) LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "%s: the reference cell is not 3x3 (corrupt checkpoint)", path);
    memcpy(st->cell0, v, sizeof st->cell0);
    /* The next geometry comes from these numbers: a NaN would reach the calculator. */
    for (long i = 0; i < st->nq + 9; i++)
        if (!isfinite(i < st->nq ? st->q[i] : st->cell0[(i - st->nq) / 3][(i - st->nq) % 3]))
            LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "%s: a coordinate of the next step is not a finite number (corrupt "
                          "checkpoint)", path);
    /* History. */
    size_t nh = 0;
    LS_TRY_GOTO(status, ls_ckpt_get_ints(c, "hist.step", &iv, &nh), done);
    struct ls_relax_result *res = st->res;
    for (size_t i = 0; i < nh; i++) {
        struct ls_relax_history h = {(int)iv[i], 0, 0, 0, 0, 0, 0};
        LS_TRY_GOTO(status, ls_relax_history_push(res, &h), done);
    }
    for (int col = 0; col < N_HIST_COL; col++) {
        LS_TRY_GOTO(status, ls_ckpt_get_doubles(c, hist_names[col], &v, &n), done);
        if (n != nh)
            LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "%s: history '%s' has %zu entries, not %zu (corrupt checkpoint)",
                          path, hist_names[col], n, nh);
        for (size_t i = 0; i < nh; i++) *hist_column(&res->history[i], col) = v[i];
    }
    status = st->opt->load(st->opt_state, c);
    if (status != LS_OK && strncmp(ls_error_message(), path, strlen(path)) != 0) ls_error_prefix("%s: ", path);
done:
    ls_ckpt_destroy(c);
    return status;
}

int ls_relax_traj_truncate(const char *path, int first_step)
{
    if (first_step <= 0) {
        if (remove(path) != 0 && errno != ENOENT)
            LS_ERROR(LS_ERR_IO, "cannot remove the old trajectory %s: %s", path, strerror(errno));
        return LS_OK;
    }
    FILE *probe = fopen(path, "rb");
    if (probe == NULL) return LS_OK;
    fclose(probe);
    char *text = NULL;
    size_t len = 0;
    LS_TRY(ls_file_read_all(path, &text, &len));
    int status = LS_OK;
    long line_no = 0;
    size_t pos = 0, cut = len;
    char buf[64];
    while (pos < len) {
        size_t frame_start = pos;
        /* Atom count. */
        size_t e = pos + strcspn(text + pos, "\n");
        line_no++;
        snprintf(buf, sizeof buf, "%.*s", (int)(e - pos < 63 ? e - pos : 63), text + pos);
        char *tok[2];
        long n_atom = -1;
        if (ls_text_split(buf, tok, 2) != 1 || ls_parse_long(tok[0], &n_atom) != 0 || n_atom < 0)
            LS_ERROR_GOTO(status, LS_ERR_INPUT, done,
                          "%s:%ld: expected the atom count of a trajectory frame; remove the file or give another "
                          "--traj",
                          path, line_no);
        pos = e < len ? e + 1 : len;
        /* Comment line: step=N. */
        e = pos + strcspn(text + pos, "\n");
        line_no++;
        char saved = text[e];
        text[e] = '\0';
        ls_text_reader r;
        memset(&r, 0, sizeof r);
        r.path = (char *)path;
        r.line_no = line_no;
        struct ls_keyval *kv = NULL;
        int n_kv = 0;
        status = ls_extxyz_kv_parse(&r, text + pos, &kv, &n_kv);
        text[e] = saved;
        if (status != LS_OK) goto done;
        long step = -1;
        for (int i = 0; i < n_kv; i++)
            if (strcmp(kv[i].key, "step") == 0 && ls_parse_long(kv[i].value, &step) != 0) step = -1;
        ls_extxyz_kv_free(kv, n_kv);
        if (step < 0)
            LS_ERROR_GOTO(status, LS_ERR_INPUT, done,
                          "%s:%ld: a frame without a step= key: not a trajectory of this relaxation; remove the file "
                          "or give another --traj",
                          path, line_no);
        if (step >= first_step) {
            cut = frame_start;
            break;
        }
        pos = e < len ? e + 1 : len;
        for (long i = 0; i < n_atom; i++) {
            if (pos >= len)
                LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "%s:%ld: unexpected end of file inside a frame", path,
                              line_no);
            e = pos + strcspn(text + pos, "\n");
            line_no++;
            pos = e < len ? e + 1 : len;
        }
    }
    if (cut < len) status = ls_file_write_atomic(path, text, cut);
done:
    free(text);
    return status;
}

int ls_relax_traj_append(const char *path, const struct ls_relax_step *st)
{
    ls_structure *f = NULL;
    LS_TRY(ls_structure_copy(st->s, &f));
    int status = ls_structure_alloc_forces(f);
    if (status == LS_OK) {
        memcpy(f->forces, st->forces, (size_t)f->n_atom * sizeof *f->forces);
        f->has_energy = 1;
        f->energy = st->energy;
        f->has_stress = st->has_stress;
        if (st->has_stress) memcpy(f->stress, st->stress, sizeof f->stress);
        char v[64];
        snprintf(v, sizeof v, "%d", st->step);
        status = ls_structure_info_set(f, "step", v);
    }
    if (status == LS_OK) {
        char v[64];
        snprintf(v, sizeof v, "%.10g", st->fmax_ev_a);
        status = ls_structure_info_set(f, "fmax_eV_per_A", v);
    }
    if (status == LS_OK) status = ls_extxyz_append(path, f);
    ls_structure_destroy(f);
    return status;
}
