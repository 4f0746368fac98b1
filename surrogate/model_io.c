/* The model file: plain text, versioned, everything needed to predict (see README.md).
 *
 *   lodestone-nnp-model 2
 *   elements N SYM...                      reference_energy_ha E...
 *   descriptor TYPE r_cut_bohr R n_radial A n_angular B l_max C chem CH n_chem K n_radial4 N4 l_max4 L4
 *   network N_HIDDEN W... activation NAME  n_features NF   energy_scale_ha S
 *   uncertainty_scale energy SE forces SF
 * Version 1 (still read) lacks the descriptor keys from 'chem' on (element channels, no
 * four-body part) and the uncertainty_scale line (1, 1).
 *   feature_mean NF numbers, feature_inv_std, feature_min, feature_max
 *   members K, then per member and element: "member k element SYM n_param P" and P numbers
 *   end
 * Numbers are written with 17 significant digits, so a saved model predicts identically.
 * Lines starting with '#' are comments.  Loading needs no training code.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/elements.h"
#include "common/err.h"
#include "common/textio.h"
#include "surrogate/model.h"

static void write_array(FILE *fp, const char *key, const double *v, long n)
{
    fprintf(fp, "%s", key);
    for (long i = 0; i < n; i++) fprintf(fp, "%s%.17g", i % 8 == 0 ? "\n" : " ", v[i]);
    fprintf(fp, "\n");
}

int nnp_model_save(const nnp_model *m, const char *path)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    if (fp == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    fprintf(fp, "lodestone-nnp-model %d\n", NNP_MODEL_FORMAT_VERSION);
    fprintf(fp, "# Lodestone neural-network potential. Units: Hartree atomic units (bohr, Ha).\n");
    fprintf(fp, "# E = sum_i e_ref(Z_i) + energy_scale * NN_Z_i((G_i - feature_mean) * feature_inv_std)\n");
    fprintf(fp, "elements %d", m->n_elem);
    for (int e = 0; e < m->n_elem; e++) fprintf(fp, " %s", ls_element_symbol(m->z[e]));
    fprintf(fp, "\nreference_energy_ha");
    for (int e = 0; e < m->n_elem; e++) fprintf(fp, " %.17g", m->e_ref[e]);
    const struct nnp_descriptor_params *d = &m->desc->p;
    fprintf(fp, "\ndescriptor %s r_cut_bohr %.17g n_radial %d n_angular %d l_max %d chem %s n_chem %d n_radial4 %d "
            "l_max4 %d\n", d->type, d->r_cut, d->n_radial, d->n_angular, d->l_max, nnp_chem_name(d->chem), d->n_chem,
            d->n_radial4, d->l_max4);
    fprintf(fp, "network %d", m->cfg.n_hidden);
    for (int l = 0; l < m->cfg.n_hidden; l++) fprintf(fp, " %d", m->cfg.hidden[l]);
    fprintf(fp, " activation %s\n", nnp_activation_name(m->cfg.act));
    fprintf(fp, "n_features %d\nenergy_scale_ha %.17g\n", m->n_feat, m->energy_scale);
    fprintf(fp, "# ensemble spread = uncertainty_scale * standard deviation over members (1: not calibrated)\n");
    fprintf(fp, "uncertainty_scale energy %.17g forces %.17g\n", m->unc_scale_energy, m->unc_scale_force);
    write_array(fp, "feature_mean", m->feat_mean, m->n_feat);
    write_array(fp, "feature_inv_std", m->feat_inv_std, m->n_feat);
    write_array(fp, "feature_min", m->feat_min, m->n_feat);
    write_array(fp, "feature_max", m->feat_max, m->n_feat);
    fprintf(fp, "members %d\n", m->n_member);
    for (int k = 0; k < m->n_member; k++)
        for (int e = 0; e < m->n_elem; e++) {
            char key[96];
            snprintf(key, sizeof key, "member %d element %s n_param %ld", k, ls_element_symbol(m->z[e]), m->net.n_param);
            write_array(fp, key, nnp_model_params(m, k, e), m->net.n_param);
        }
    fprintf(fp, "end\n");
    if (fclose(fp) != 0) {
        free(buf);
        LS_ERROR(LS_ERR_IO, "cannot format the model for '%s'", path);
    }
    int status = ls_file_write_atomic(path, buf, len);
    free(buf);
    return status;
}

/* Whitespace tokens of the file with their line numbers ('#' comments skipped). */
struct tokens {
    const char *path;
    char *text;
    char **tok;
    int *line;
    long n, pos;
};

static int tokenise(const char *path, struct tokens *t)
{
    size_t len = 0;
    memset(t, 0, sizeof *t);
    t->path = path;
    LS_TRY(ls_file_read_all(path, &t->text, &len));
    long cap = 1024;
    t->tok = malloc((size_t)cap * sizeof *t->tok);
    t->line = malloc((size_t)cap * sizeof *t->line);
    if (!t->tok || !t->line) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    int line = 1;
    char *p = t->text;
    while (*p) {
        if (*p == '\n') line++;
        if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
            *p++ = '\0';
            continue;
        }
        if (*p == '#') {
            while (*p && *p != '\n') *p++ = '\0';
            continue;
        }
        if (t->n == cap) {
            cap *= 2;
            char **nt = realloc(t->tok, (size_t)cap * sizeof *nt);
            if (nt) t->tok = nt;
            int *nl = realloc(t->line, (size_t)cap * sizeof *nl);
            if (nl) t->line = nl;
            if (!nt || !nl) LS_ERROR(LS_ERR_NOMEM, "out of memory");
        }
        t->tok[t->n] = p;
        t->line[t->n++] = line;
        while (*p && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r') p++;
    }
    return LS_OK;
}

static int next_tok(struct tokens *t, const char *what, const char **out)
{
    if (t->pos >= t->n)
        LS_ERROR(LS_ERR_INPUT, "%s: unexpected end of the model file, expected %s (truncated file?)", t->path, what);
    *out = t->tok[t->pos++];
    return LS_OK;
}

static int expect_key(struct tokens *t, const char *key)
{
    const char *s = NULL;
    LS_TRY(next_tok(t, key, &s));
    if (strcmp(s, key) != 0)
        LS_ERROR(LS_ERR_INPUT, "%s:%d: expected '%s', found '%s' (not a Lodestone model, or a corrupt one)", t->path,
                 t->line[t->pos - 1], key, s);
    return LS_OK;
}

static int read_double(struct tokens *t, const char *what, double *v)
{
    const char *s = NULL;
    LS_TRY(next_tok(t, what, &s));
    if (ls_parse_double(s, v) != 0)
        LS_ERROR(LS_ERR_INPUT, "%s:%d: expected a finite number for %s, found '%s'", t->path, t->line[t->pos - 1], what, s);
    return LS_OK;
}

static int read_int(struct tokens *t, const char *what, int lo, int hi, int *v)
{
    const char *s = NULL;
    long x;
    LS_TRY(next_tok(t, what, &s));
    if (ls_parse_long(s, &x) != 0 || x < lo || x > hi)
        LS_ERROR(LS_ERR_INPUT, "%s:%d: expected a whole number %d-%d for %s, found '%s'", t->path, t->line[t->pos - 1], lo,
                 hi, what, s);
    *v = (int)x;
    return LS_OK;
}

static int read_array(struct tokens *t, const char *key, double *v, long n)
{
    LS_TRY(expect_key(t, key));
    for (long i = 0; i < n; i++) LS_TRY(read_double(t, key, &v[i]));
    return LS_OK;
}

int nnp_model_load(const char *path, nnp_model **out)
{
    int status = LS_OK;
    struct tokens t;
    nnp_model *m = NULL;
    const char *s = NULL;
    *out = NULL;
    LS_TRY_GOTO(status, tokenise(path, &t), done);
    if (t.n == 0 || strcmp(t.tok[0], "lodestone-nnp-model") != 0)
        LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "%s: not a Lodestone model file (it should start with "
                      "'lodestone-nnp-model')", path);
    t.pos = 1;
    int version, n_elem, z[NNP_MAX_ELEMENTS];
    LS_TRY_GOTO(status, read_int(&t, "the format version", 1, 1000, &version), done);
    if (version < 1 || version > NNP_MODEL_FORMAT_VERSION)
        LS_ERROR_GOTO(status, LS_ERR_UNSUPPORTED, done, "%s: model format version %d, this program reads versions 1 "
                      "to %d (a newer Lodestone wrote it)", path, version, NNP_MODEL_FORMAT_VERSION);
    LS_TRY_GOTO(status, expect_key(&t, "elements"), done);
    LS_TRY_GOTO(status, read_int(&t, "the number of elements", 1, NNP_MAX_ELEMENTS, &n_elem), done);
    for (int e = 0; e < n_elem; e++) {
        LS_TRY_GOTO(status, next_tok(&t, "an element symbol", &s), done);
        z[e] = ls_element_z(s);
        if (z[e] == 0) LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "%s:%d: '%s' is not an element", path, t.line[t.pos - 1], s);
    }
    double e_ref[NNP_MAX_ELEMENTS];
    LS_TRY_GOTO(status, read_array(&t, "reference_energy_ha", e_ref, n_elem), done);
    struct nnp_model_config cfg;
    memset(&cfg, 0, sizeof cfg);
    LS_TRY_GOTO(status, expect_key(&t, "descriptor"), done);
    int desc_line = t.line[t.pos - 1];
    LS_TRY_GOTO(status, next_tok(&t, "the descriptor type", &s), done);
    snprintf(cfg.desc.type, sizeof cfg.desc.type, "%s", s);
    LS_TRY_GOTO(status, expect_key(&t, "r_cut_bohr"), done);
    LS_TRY_GOTO(status, read_double(&t, "r_cut_bohr", &cfg.desc.r_cut), done);
    LS_TRY_GOTO(status, expect_key(&t, "n_radial"), done);
    LS_TRY_GOTO(status, read_int(&t, "n_radial", 0, 1000, &cfg.desc.n_radial), done);
    LS_TRY_GOTO(status, expect_key(&t, "n_angular"), done);
    LS_TRY_GOTO(status, read_int(&t, "n_angular", 0, 1000, &cfg.desc.n_angular), done);
    LS_TRY_GOTO(status, expect_key(&t, "l_max"), done);
    LS_TRY_GOTO(status, read_int(&t, "l_max", 0, 1000, &cfg.desc.l_max), done);
    if (version >= 2) { /* version 1: element channels, no four-body part (the zeros of cfg) */
        LS_TRY_GOTO(status, expect_key(&t, "chem"), done);
        LS_TRY_GOTO(status, next_tok(&t, "the chemical channels (element or chebyshev)", &s), done);
        status = nnp_chem_parse(s, &cfg.desc.chem);
        if (status != LS_OK) {
            ls_error_prefix("%s:%d: ", path, t.line[t.pos - 1]);
            goto done;
        }
        LS_TRY_GOTO(status, expect_key(&t, "n_chem"), done);
        LS_TRY_GOTO(status, read_int(&t, "n_chem", 0, NNP_MAX_ELEMENTS, &cfg.desc.n_chem), done);
        LS_TRY_GOTO(status, expect_key(&t, "n_radial4"), done);
        LS_TRY_GOTO(status, read_int(&t, "n_radial4", 0, 1000, &cfg.desc.n_radial4), done);
        LS_TRY_GOTO(status, expect_key(&t, "l_max4"), done);
        LS_TRY_GOTO(status, read_int(&t, "l_max4", 0, 1000, &cfg.desc.l_max4), done);
    }
    LS_TRY_GOTO(status, expect_key(&t, "network"), done);
    LS_TRY_GOTO(status, read_int(&t, "the number of hidden layers", 0, NNP_MAX_LAYERS - 1, &cfg.n_hidden), done);
    for (int l = 0; l < cfg.n_hidden; l++)
        LS_TRY_GOTO(status, read_int(&t, "a hidden-layer width", 1, 4096, &cfg.hidden[l]), done);
    LS_TRY_GOTO(status, expect_key(&t, "activation"), done);
    LS_TRY_GOTO(status, next_tok(&t, "the activation", &s), done);
    status = nnp_activation_parse(s, &cfg.act);
    if (status != LS_OK) {
        ls_error_prefix("%s:%d: ", path, t.line[t.pos - 1]);
        goto done;
    }
    int n_member, n_feat;
    LS_TRY_GOTO(status, expect_key(&t, "n_features"), done);
    LS_TRY_GOTO(status, read_int(&t, "n_features", 1, 1000000, &n_feat), done);
    int feat_line = t.line[t.pos - 1];
    double scale, unc_e = 1.0, unc_f = 1.0;
    LS_TRY_GOTO(status, expect_key(&t, "energy_scale_ha"), done);
    LS_TRY_GOTO(status, read_double(&t, "energy_scale_ha", &scale), done);
    if (version >= 2) {
        LS_TRY_GOTO(status, expect_key(&t, "uncertainty_scale"), done);
        LS_TRY_GOTO(status, expect_key(&t, "energy"), done);
        LS_TRY_GOTO(status, read_double(&t, "the energy uncertainty scale", &unc_e), done);
        LS_TRY_GOTO(status, expect_key(&t, "forces"), done);
        LS_TRY_GOTO(status, read_double(&t, "the force uncertainty scale", &unc_f), done);
        if (!(unc_e > 0.0) || !(unc_f > 0.0))
            LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "%s:%d: uncertainty scales must be positive (got %g, %g)", path,
                          t.line[t.pos - 1], unc_e, unc_f);
    }
    /* Count members first: the model is created with the right size. */
    long save = t.pos;
    while (t.pos < t.n && strcmp(t.tok[t.pos], "members") != 0) t.pos++;
    t.pos++;
    LS_TRY_GOTO(status, read_int(&t, "the number of members", 1, 64, &n_member), done);
    t.pos = save;
    /* The numbers the shape asks for must be in the file before the model is allocated (a few
     * edited digits could otherwise ask for terabytes). */
    if (n_feat > 4096)
        LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "%s:%d: n_features %d: a network takes at most 4096 inputs", path,
                      feat_line, n_feat);
    double n_param = 0;
    for (int l = 0; l <= cfg.n_hidden; l++) {
        double w_in = l == 0 ? n_feat : cfg.hidden[l - 1], w_out = l == cfg.n_hidden ? 1 : cfg.hidden[l];
        n_param += w_in * w_out + w_out;
    }
    /* 4 feature arrays with their keys, "members K", per network "member k element X n_param P" and
     * its P numbers, "end". */
    double needed = 4.0 * (n_feat + 1) + 2 + (double)n_member * n_elem * (n_param + 6) + 1;
    if (needed > (double)(t.n - t.pos))
        LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "%s:%d: unexpected end of the model file: %d member(s) of %d "
                      "network(s) with %d features and %d hidden layer(s) take %.0f words after this line, the file "
                      "has %ld (truncated file, or a corrupt shape)",
                      path, feat_line, n_member, n_elem, n_feat, cfg.n_hidden, needed, t.n - t.pos);
    status = nnp_model_create(&cfg, n_elem, z, n_member, 0, &m);
    if (status != LS_OK) {
        ls_error_prefix("%s:%d: ", path, desc_line);
        goto done;
    }
    if (m->n_feat != n_feat)
        LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "%s:%d: the descriptor gives %d features but the file says %d "
                      "(corrupt or written by an incompatible version)", path, feat_line, m->n_feat, n_feat);
    memcpy(m->e_ref, e_ref, sizeof e_ref);
    m->energy_scale = scale;
    m->unc_scale_energy = unc_e;
    m->unc_scale_force = unc_f;
    LS_TRY_GOTO(status, read_array(&t, "feature_mean", m->feat_mean, n_feat), done);
    long inv_std_pos = t.pos + 1;
    LS_TRY_GOTO(status, read_array(&t, "feature_inv_std", m->feat_inv_std, n_feat), done);
    LS_TRY_GOTO(status, read_array(&t, "feature_min", m->feat_min, n_feat), done);
    LS_TRY_GOTO(status, read_array(&t, "feature_max", m->feat_max, n_feat), done);
    LS_TRY_GOTO(status, expect_key(&t, "members"), done);
    LS_TRY_GOTO(status, read_int(&t, "the number of members", n_member, n_member, &n_member), done);
    for (int k = 0; k < n_member; k++)
        for (int e = 0; e < n_elem; e++) {
            int kk, np;
            LS_TRY_GOTO(status, expect_key(&t, "member"), done);
            LS_TRY_GOTO(status, read_int(&t, "the member index", k, k, &kk), done);
            LS_TRY_GOTO(status, expect_key(&t, "element"), done);
            LS_TRY_GOTO(status, next_tok(&t, "an element", &s), done);
            if (ls_element_z(s) != z[e])
                LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "%s:%d: expected the network of %s, found '%s'", path,
                              t.line[t.pos - 1], ls_element_symbol(z[e]), s);
            LS_TRY_GOTO(status, expect_key(&t, "n_param"), done);
            LS_TRY_GOTO(status, read_int(&t, "n_param", (int)m->net.n_param, (int)m->net.n_param, &np), done);
            double *p = nnp_model_params(m, k, e);
            for (long i = 0; i < m->net.n_param; i++) LS_TRY_GOTO(status, read_double(&t, "a network weight", &p[i]), done);
        }
    LS_TRY_GOTO(status, expect_key(&t, "end"), done);
    for (int f = 0; f < n_feat; f++)
        if (!(m->feat_inv_std[f] > 0.0))
            LS_ERROR_GOTO(status, LS_ERR_INPUT, done, "%s:%d: feature_inv_std[%d] = %g must be positive", path,
                          t.line[inv_std_pos + f], f, m->feat_inv_std[f]);
done:
    free(t.text);
    free(t.tok);
    free(t.line);
    if (status != LS_OK) {
        nnp_model_destroy(m);
        ls_error_prefix("loading model: ");
    } else {
        *out = m;
    }
    return status;
}
