/* Writes the seed corpora of the checkpoint harnesses (fuzz/corpus/{scf,relax,eos}_ckpt/) from
 * real runs of the library, in the harnesses' input form: one variant byte, then the checkpoint
 * without its final 8-byte checksum (fuzz/fuzz.h, fuzz_write_checkpoint).
 *
 *     build/fuzz/fuzzers/make_seeds fuzz/corpus      (make fuzz-build first)
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "common/err.h"
#include "common/log.h"
#include "common/textio.h"
#include "fuzz/fuzz_ckpt_setup.h"
#include "fuzz/fuzz_eos_setup.h"
#include "surrogate/surrogate.h"

static void die(const char *what)
{
    fprintf(stderr, "make_seeds: %s: %s\n", what, ls_error_message());
    exit(1);
}

/* OUT/DIR/NAME <- variant byte + the checkpoint at ckpt without its checksum. */
static void seed(const char *out, const char *dir, const char *name, int variant, const char *ckpt)
{
    char *text = NULL;
    size_t len = 0;
    if (ls_file_read_all(ckpt, &text, &len) != LS_OK || len < 8) die(ckpt);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", out, dir);
    if (mkdir(path, 0777) != 0 && errno != EEXIST) die(path);
    snprintf(path, sizeof path, "%s/%s/%s", out, dir, name);
    FILE *fp = fopen(path, "wb");
    if (fp == NULL) die(path);
    fputc(variant, fp);
    fwrite(text, 1, len - 8, fp);
    fclose(fp);
    free(text);
    remove(ckpt);
    printf("%s (%zu bytes)\n", path, len - 7);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: make_seeds CORPUS_DIR\n");
        return 2;
    }
    const char *out = argv[1];
    ls_log_set_level(LS_LOG_ERROR);
    const char *tmp = "make_seeds.tmp.ckpt";

    /* SCF: two iterations of Si2 (not converged: the state is kept). */
    for (int ns = 1; ns <= 2; ns++) {
        dft_params p;
        if (fuzz_si2_params(ns, &p) != 0) die("Si2");
        p.max_iter = 2;
        struct dft_checkpoint ck = {tmp, 0, 0.0};
        dft_result *r = NULL;
        int status = dft_scf_run_checkpointed(&p, &ck, &r);
        if (status != LS_ERR_CONVERGENCE) die("SCF of Si2 (expected 'not converged' after 2 iterations)");
        dft_result_destroy(r);
        dft_params_free(&p);
        seed(out, "scf_ckpt", ns == 1 ? "si2-spin1" : "si2-spin2", ns - 1, tmp);
    }

    /* Relaxations: two steps of each variant. */
    static const char *const relax_names[4] = {"bfgs-positions", "bfgs-cell", "fire-positions", "fire-cell"};
    for (int v = 0; v < 4; v++) {
        struct ls_relax_config cfg;
        fuzz_spring_config(v, tmp, &cfg);
        cfg.restart = 0;
        cfg.max_steps = 2;
        struct fuzz_spring model;
        fuzz_spring_model(&model);
        ls_structure *s = NULL;
        if (fuzz_spring_structure(&s) != 0) die("spring structure");
        struct ls_relax_result res;
        memset(&res, 0, sizeof res);
        int status = ls_relax_run(s, fuzz_spring_calc, &model, &cfg, &res);
        if (status != LS_OK && status != LS_ERR_CONVERGENCE) die("relaxation");
        ls_relax_result_free(&res);
        ls_structure_destroy(s);
        seed(out, "relax_ckpt", relax_names[v], v, tmp);
    }

    /* EOS: three of seven volumes done, in each relaxation mode. */
    static const char *const eos_names[3] = {"fixed", "relax", "relax-shape"};
    for (int mode = 0; mode < 3; mode++) {
        struct ls_eos_result r;
        fuzz_eos_run(mode, &r);
        for (int i = 1; i < 4; i++) {
            struct ls_eos_point *pt = &r.pt[i];
            pt->done = pt->converged = 1;
            pt->volume_bohr3 = r.v_in_bohr3 * pt->scale;
            pt->energy_ha = -7.9 + 0.02 * (pt->scale - 1) * (pt->scale - 1);
            pt->pressure_ha_bohr3 = 1e-5 * (1 - pt->scale);
            for (int k = 0; k < 3; k++) pt->stress[k][k] = -pt->pressure_ha_bohr3;
            pt->n_iter = 9 + i;
            pt->wall_s = 1.5;
            pt->relax_steps = mode ? 3 : 0;
            for (int k = 0; k < 9; k++) r.cell[9 * i + k] = k % 4 == 0 ? 6.5 * cbrt(pt->scale) : 0.0;
            r.pos[3 * r.n_atom * i + 3] = 1.6;
        }
        if (eos_checkpoint_write(tmp, &r) != LS_OK) die("EOS checkpoint");
        ls_eos_result_free(&r);
        seed(out, "eos_ckpt", eos_names[mode], mode, tmp);
    }

    /* Models: small shapes of both descriptors, one and two elements, one and two members. */
    static const struct {
        const char *name, *desc;
        int n_elem, z[2], n_member, n_hidden;
    } models[3] = {{"cu-moment-1member", "moment", 1, {29, 0}, 1, 1},
                   {"si-o-moment-2members", "moment", 2, {14, 8}, 2, 2},
                   {"al-bp", "bp", 1, {13, 0}, 1, 1}};
    for (int i = 0; i < 3; i++) {
        struct nnp_model_config cfg;
        nnp_model_config_default(&cfg);
        snprintf(cfg.desc.type, sizeof cfg.desc.type, "%s", models[i].desc);
        cfg.desc.n_radial = 3;
        cfg.desc.n_angular = 2;
        cfg.desc.l_max = models[i].desc[0] == 'm' ? 2 : 1;
        if (models[i].desc[0] == 'b') cfg.desc.chem = NNP_CHEM_ELEMENT; /* bp: element channels only */
        if (i == 1) cfg.desc.n_radial4 = 2;                          /* one model with the four-body part */
        cfg.n_hidden = models[i].n_hidden;
        cfg.hidden[0] = 4;
        cfg.hidden[1] = 3;
        nnp_model *m = NULL;
        if (nnp_model_create(&cfg, models[i].n_elem, models[i].z, models[i].n_member, 7, &m) != LS_OK) die("model");
        char path[4096], dir[4096];
        snprintf(dir, sizeof dir, "%s/model", out);
        if (mkdir(dir, 0777) != 0 && errno != EEXIST) die(dir);
        snprintf(path, sizeof path, "%s/%s", dir, models[i].name);
        if (nnp_model_save(m, path) != LS_OK) die(path);
        nnp_model_destroy(m);
        printf("%s\n", path);
    }
    return 0;
}
