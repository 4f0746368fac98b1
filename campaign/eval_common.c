/* What every evaluator shares: the input hash of a run, the pseudopotential fingerprints, the
 * classification of magnetic orders, and the result file a run leaves in its folder. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "campaign/evaluator.h"
#include "campaign/store_util.h"
#include "common/checkpoint.h"
#include "common/elements.h"
#include "common/err.h"
#include "common/sha256.h"
#include "dft/pseudo/pseudo_hints.h"

const struct campaign_evaluator *campaign_evaluator_for(enum campaign_calculator kind)
{
    switch (kind) {
    case CAMPAIGN_CALC_TOY: return &campaign_eval_toy;
    case CAMPAIGN_CALC_LOOKUP: return &campaign_eval_lookup;
    default: return &campaign_eval_dft;
    }
}

const char *campaign_order_name(enum campaign_order o)
{
    switch (o) {
    case CAMPAIGN_ORDER_FM: return "fm";
    case CAMPAIGN_ORDER_FERRI: return "ferri";
    default: return "nm";
    }
}

const char *campaign_order_found(int n_atom, const double *m)
{
    double tot = 0, abs_sum = 0;
    int pos = 0, neg = 0;
    for (int i = 0; i < n_atom; i++) {
        tot += m[i];
        abs_sum += fabs(m[i]);
        pos += m[i] > 0.1;
        neg += m[i] < -0.1;
    }
    if (!pos && !neg) return "nm";
    if (!pos || !neg) return "fm";
    return fabs(tot) < 0.1 * abs_sum ? "afm" : "ferri";
}

int campaign_pseudopotentials(const ls_structure *s, char *json, size_t n)
{
    size_t len = (size_t)snprintf(json, n, "{");
    int seen[119] = {0};
    for (int ia = 0; ia < s->n_atom; ia++) {
        int z = s->z[ia];
        if (z <= 0 || z > 118 || seen[z]) continue;
        seen[z] = 1;
        char path[4096], hex[65];
        LS_TRY(dft_default_pseudo(ls_element_symbol(z), path, sizeof path));
        LS_TRY(ls_sha256_file(path, hex));
        len += (size_t)snprintf(json + len, n > len ? n - len : 0, "%s\"%s\": \"%s\"", len > 1 ? ", " : "",
                                ls_element_symbol(z), hex);
    }
    snprintf(json + len, n > len ? n - len : 0, "}");
    if (len + 2 > n) LS_ERROR(LS_ERR_INTERNAL, "pseudopotential list too long");
    return LS_OK;
}

int campaign_run_hash(const struct campaign_config *cfg, const struct campaign_candidate *c,
                      const struct campaign_start *start, const char *pseudo_json, char hex[65])
{
    ls_structure *s = NULL;
    LS_TRY(ls_structure_copy(c->s, &s));
    int status = ls_structure_alloc_magmom(s);
    char fp[65];
    if (status == LS_OK) {
        for (int ia = 0; ia < s->n_atom; ia++) s->magmom[ia] = start->moment_mub[ia];
        status = campaign_fingerprint(s, fp);
    }
    ls_structure_destroy(s);
    if (status != LS_OK) return status;
    char *canon = NULL;
    LS_TRY(campaign_config_canonical(cfg, &canon));
    ls_sha256 h;
    ls_sha256_init(&h);
    char head[256];
    snprintf(head, sizeof head, "lodestone campaign run 1\nstructure %s\nvolume_a3 %.8f\nc_over_a %.8f\norder %s\n", fp,
             c->volume_a3, c->c_over_a, campaign_order_name(start->order));
    ls_sha256_update(&h, head, strlen(head));
    /* The DFT protocol lines of the canonical settings. */
    for (const char *p = canon; p && *p;) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p + 1) : strlen(p);
        if (!strncmp(p, "dft.", 4)) ls_sha256_update(&h, p, len);
        p = eol ? eol + 1 : NULL;
    }
    free(canon);
    ls_sha256_update(&h, pseudo_json, strlen(pseudo_json));
    unsigned char d[32];
    ls_sha256_final(&h, d);
    for (int i = 0; i < 32; i++) snprintf(hex + 2 * i, 3, "%02x", d[i]);
    return LS_OK;
}

void campaign_eval_output_clear(struct campaign_eval_output *out)
{
    ls_structure_destroy(out->relaxed);
    memset(out, 0, sizeof *out);
}

/* ------------------------------------------------------------------ result files */

int campaign_result_file_write(const char *path, const char *input_sha256, const struct campaign_eval_output *o)
{
    ls_ckpt *c = NULL;
    LS_TRY(ls_ckpt_create(&c));
    char *xyz = NULL;
    int status = LS_OK;
    if (o->relaxed) LS_TRY_GOTO(status, campaign_structure_to_xyz(o->relaxed, &xyz), done);
    LS_TRY_GOTO(status, ls_ckpt_put_string(c, "kind", "lodestone campaign run result"), done);
    LS_TRY_GOTO(status, ls_ckpt_put_string(c, "input_sha256", input_sha256), done);
    LS_TRY_GOTO(status, ls_ckpt_put_int(c, "ok", o->ok), done);
    LS_TRY_GOTO(status, ls_ckpt_put_string(c, "reason", o->reason), done);
    LS_TRY_GOTO(status, ls_ckpt_put_int(c, "n_atom", o->n_atom), done);
    LS_TRY_GOTO(status, ls_ckpt_put_double(c, "energy_ev", o->energy_ev), done);
    LS_TRY_GOTO(status, ls_ckpt_put_doubles(c, "moments_start_mub", o->moments_start_mub, (size_t)o->n_atom), done);
    LS_TRY_GOTO(status, ls_ckpt_put_doubles(c, "moments_mub", o->moments_mub, (size_t)o->n_atom), done);
    LS_TRY_GOTO(status, ls_ckpt_put_double(c, "total_moment_mub", o->total_moment_mub), done);
    LS_TRY_GOTO(status, ls_ckpt_put_double(c, "abs_moment_mub", o->abs_moment_mub), done);
    LS_TRY_GOTO(status, ls_ckpt_put_string(c, "relaxed_xyz", xyz ? xyz : ""), done);
    if (o->relaxed) {
        /* The cell and positions to the bit as well (the text above is rounded): a result read
         * back gives the same volume, hence the same Ms, as the one computed in process. */
        LS_TRY_GOTO(status, ls_ckpt_put_doubles(c, "relaxed_cell_bohr", &o->relaxed->cell[0][0], 9), done);
        LS_TRY_GOTO(status,
                    ls_ckpt_put_doubles(c, "relaxed_pos_bohr", &o->relaxed->pos[0][0], 3 * (size_t)o->relaxed->n_atom),
                    done);
    }
    LS_TRY_GOTO(status, ls_ckpt_put_int(c, "n_relax_steps", o->n_relax_steps), done);
    LS_TRY_GOTO(status, ls_ckpt_put_int(c, "relax_converged", o->relax_converged), done);
    LS_TRY_GOTO(status, ls_ckpt_put_double(c, "max_force_ev_a", o->max_force_ev_a), done);
    LS_TRY_GOTO(status, ls_ckpt_put_double(c, "pressure_gpa", o->pressure_gpa), done);
    LS_TRY_GOTO(status, ls_ckpt_put_int(c, "scf_retries", o->scf_retries), done);
    LS_TRY_GOTO(status, ls_ckpt_put_double(c, "wall_s", o->wall_s), done);
    LS_TRY_GOTO(status, ls_ckpt_put_double(c, "cpu_s", o->cpu_s), done);
    LS_TRY_GOTO(status, ls_ckpt_put_string(c, "settings", o->settings), done);
    LS_TRY_GOTO(status, ls_ckpt_put_string(c, "pseudopotentials", o->pseudopotentials), done);
    LS_TRY_GOTO(status, ls_ckpt_put_string(c, "trajectory", o->trajectory), done);
    LS_TRY_GOTO(status, ls_ckpt_put_int(c, "n_frames", o->n_frames), done);
    LS_TRY_GOTO(status, ls_ckpt_write(c, path), done);
done:
    free(xyz);
    ls_ckpt_destroy(c);
    return status;
}

static void copy_text(const ls_ckpt *c, const char *name, char *buf, size_t n)
{
    const char *t = NULL;
    buf[0] = 0;
    if (ls_ckpt_get_string(c, name, &t) == LS_OK) snprintf(buf, n, "%s", t);
}

int campaign_result_file_read(const char *path, const char *input_sha256, struct campaign_eval_output *o)
{
    memset(o, 0, sizeof *o);
    ls_ckpt *c = NULL;
    LS_TRY(ls_ckpt_read(path, &c));
    int status = LS_OK;
    const char *s = NULL;
    int64_t i = 0;
    const double *v = NULL;
    size_t n = 0;
    LS_TRY_GOTO(status, ls_ckpt_get_string(c, "input_sha256", &s), done);
    if (strcmp(s, input_sha256))
        LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "%s: the result of another input (%.16s, expected %.16s)", path, s,
                      input_sha256);
    LS_TRY_GOTO(status, ls_ckpt_get_int(c, "ok", &i), done);
    o->ok = (int)i;
    copy_text(c, "reason", o->reason, sizeof o->reason);
    LS_TRY_GOTO(status, ls_ckpt_get_int(c, "n_atom", &i), done);
    if (i < 1 || i > CAMPAIGN_MAX_ATOMS) LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "%s: bad atom count", path);
    o->n_atom = (int)i;
    LS_TRY_GOTO(status, ls_ckpt_get_double(c, "energy_ev", &o->energy_ev), done);
    LS_TRY_GOTO(status, ls_ckpt_get_doubles(c, "moments_start_mub", &v, &n), done);
    if (n != (size_t)o->n_atom) LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "%s: moments of %zu atoms", path, n);
    memcpy(o->moments_start_mub, v, n * sizeof *v);
    LS_TRY_GOTO(status, ls_ckpt_get_doubles(c, "moments_mub", &v, &n), done);
    if (n != (size_t)o->n_atom) LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "%s: moments of %zu atoms", path, n);
    memcpy(o->moments_mub, v, n * sizeof *v);
    LS_TRY_GOTO(status, ls_ckpt_get_double(c, "total_moment_mub", &o->total_moment_mub), done);
    LS_TRY_GOTO(status, ls_ckpt_get_double(c, "abs_moment_mub", &o->abs_moment_mub), done);
    LS_TRY_GOTO(status, ls_ckpt_get_string(c, "relaxed_xyz", &s), done);
    if (*s) LS_TRY_GOTO(status, campaign_structure_from_xyz(s, path, &o->relaxed), done);
    if (o->relaxed && ls_ckpt_get_doubles(c, "relaxed_cell_bohr", &v, &n) == LS_OK && n == 9) {
        memcpy(&o->relaxed->cell[0][0], v, 9 * sizeof *v);
        if (ls_ckpt_get_doubles(c, "relaxed_pos_bohr", &v, &n) == LS_OK && n == 3 * (size_t)o->relaxed->n_atom)
            memcpy(&o->relaxed->pos[0][0], v, n * sizeof *v);
    }
    ls_error_clear(); /* files written before these two entries existed have none */
    LS_TRY_GOTO(status, ls_ckpt_get_int(c, "n_relax_steps", &i), done);
    o->n_relax_steps = (int)i;
    LS_TRY_GOTO(status, ls_ckpt_get_int(c, "relax_converged", &i), done);
    o->relax_converged = (int)i;
    LS_TRY_GOTO(status, ls_ckpt_get_double(c, "max_force_ev_a", &o->max_force_ev_a), done);
    LS_TRY_GOTO(status, ls_ckpt_get_double(c, "pressure_gpa", &o->pressure_gpa), done);
    LS_TRY_GOTO(status, ls_ckpt_get_int(c, "scf_retries", &i), done);
    o->scf_retries = (int)i;
    LS_TRY_GOTO(status, ls_ckpt_get_double(c, "wall_s", &o->wall_s), done);
    LS_TRY_GOTO(status, ls_ckpt_get_double(c, "cpu_s", &o->cpu_s), done);
    copy_text(c, "settings", o->settings, sizeof o->settings);
    copy_text(c, "pseudopotentials", o->pseudopotentials, sizeof o->pseudopotentials);
    copy_text(c, "trajectory", o->trajectory, sizeof o->trajectory);
    LS_TRY_GOTO(status, ls_ckpt_get_int(c, "n_frames", &i), done);
    o->n_frames = (int)i;
done:
    ls_ckpt_destroy(c);
    if (status != LS_OK) campaign_eval_output_clear(o);
    return status;
}
