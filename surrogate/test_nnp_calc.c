/* The potential as a calculator (surrogate/calc.c: nnp_model_calc, nnp_calc_bind) driving the
 * workflows with a (random, smooth) model: molecular dynamics (workflow/md.c) conserves the total
 * energy in NVE and reaches its temperature on average under Langevin, the frames carry the
 * ensemble spread the calculator reports (equal to nnp_model_predict's); FIRE (workflow/relax.c)
 * relaxes positions and cell to the force/stress threshold; an unknown element is LS_ERR_INPUT;
 * and `lodestone relax --potential` (BFGS) converges through the program. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "common/err.h"
#include "common/io.h"
#include "common/log.h"
#include "workflow/md.h"
#include "workflow/relax.h"
#include "common/test.h"
#include "common/textio.h"
#include "common/units.h"
#include "surrogate/model.h"

static ls_structure *fcc(int rep, double a_ang)
{
    ls_structure *s = NULL;
    int n = 4 * rep * rep * rep, q = 0;
    if (ls_structure_create(n, &s) != LS_OK) return NULL;
    double a = a_ang * LS_ANGSTROM_BOHR;
    double basis[4][3] = {{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}};
    for (int k = 0; k < 3; k++) s->cell[k][k] = a * rep;
    unsigned long long rng = 42;
    for (int x = 0; x < rep; x++)
        for (int y = 0; y < rep; y++)
            for (int z = 0; z < rep; z++)
                for (int b = 0; b < 4; b++, q++) {
                    ls_structure_set_species(s, q, "Cu");
                    double f[3] = {x + basis[b][0], y + basis[b][1], z + basis[b][2]};
                    for (int k = 0; k < 3; k++) s->pos[q][k] = a * f[k] + 0.05 * (nnp_rand_uniform(&rng) - 0.5);
                }
    return s;
}

/* A smooth repulsive-attractive model: random networks with the normalisation of fcc Cu,
 * scaled so that forces are moderate. */
static nnp_model *make_model(int n_member)
{
    struct nnp_model_config cfg;
    nnp_model_config_default(&cfg);
    cfg.desc.r_cut = 4.2 * LS_ANGSTROM_BOHR;
    cfg.desc.n_radial = 4;
    cfg.desc.n_angular = 2;
    cfg.desc.l_max = 2;
    cfg.desc.n_radial4 = 0; /* the pair-dominated test potential below relies on the 2+3-body form */
    cfg.hidden[0] = 6;
    cfg.hidden[1] = 4;
    int z = 29;
    nnp_model *m = NULL;
    LS_CHECK_OK(nnp_model_create(&cfg, 1, &z, n_member, 7, &m));
    if (m == NULL) return NULL;
    m->energy_scale = 0.002;
    /* pair term dominating: the first two-body feature (~ number of close neighbours) enters
     * the first hidden unit strongly, giving a smooth confining energy */
    return m;
}

struct nve_ctx {
    double e0, max_dev, t_sum, spread;
    int n, n_atom;
};

static int record(void *vctx, const ls_structure *s, const struct ls_md_frame *f)
{
    struct nve_ctx *c = vctx;
    (void)s;
    c->spread = f->max_force_spread;
    double e = f->e_pot + f->e_kin;
    if (c->n == 0) c->e0 = e;
    c->max_dev = fmax(c->max_dev, fabs(e - c->e0) / c->n_atom);
    if (c->n > 0) c->t_sum += f->temperature_k;
    c->n++;
    return LS_OK;
}

static void test_nve_nvt(void)
{
    nnp_model *m = make_model(2);
    ls_structure *s = fcc(2, 3.63);
    if (!m || !s) return;
    nnp_calc *nc = NULL;
    LS_CHECK_OK(nnp_calc_create(m, &nc));
    if (!nc) return;
    ls_calc calc;
    nnp_calc_bind(nc, &calc);
    LS_CHECK(strcmp(calc.name, "nnp") == 0);
    struct ls_md_config cfg;
    ls_md_config_default(&cfg);
    cfg.n_step = 300;
    cfg.dt_fs = 1.0;
    cfg.frame_every = 5;
    cfg.init_temperature_k = 300;
    struct nve_ctx c = {0, 0, 0, 0, 0, s->n_atom};
    LS_CHECK_OK(ls_md_run(s, &calc, &cfg, record, &c));
    LS_CHECK_MSG(c.max_dev * LS_HARTREE_EV * 1e3 < 0.5, "NVE energy drift %.3g meV/atom", c.max_dev * LS_HARTREE_EV * 1e3);
    LS_CHECK(c.t_sum > 0);
    /* The last frame's spread is the model's for the final geometry (two members disagree). */
    double F[32][3], Fs[32][3];
    struct nnp_result r;
    memset(&r, 0, sizeof r);
    r.forces = F;
    r.force_std = Fs;
    LS_CHECK_OK(nnp_model_predict(m, s, &r));
    LS_CHECK(r.max_force_std > 0 && c.spread == r.max_force_std);
    struct ls_calc_info info;
    ls_calc_last_info(&calc, &info);
    LS_CHECK(info.has_spread && info.max_force_spread == r.max_force_std && info.energy_spread == r.energy_std);
    /* Langevin at 600 K: the mean temperature of the second half is near 600 K */
    cfg.friction_per_fs = 0.05;
    cfg.temperature_k = 600;
    cfg.n_step = 1500;
    struct nve_ctx c2 = {0, 0, 0, 0, 0, s->n_atom};
    LS_CHECK_OK(ls_md_run(s, &calc, &cfg, record, &c2));
    double tmean = c2.t_sum / (c2.n - 1);
    LS_CHECK_MSG(fabs(tmean - 600) < 150, "Langevin mean temperature %.1f K", tmean);
    nnp_calc_destroy(nc);
    ls_structure_destroy(s);
    nnp_model_destroy(m);
}

static void test_relax(void)
{
    nnp_model *m = make_model(1);
    ls_structure *s = fcc(2, 3.55);
    if (!m || !s) return;
    double e0;
    struct nnp_result r;
    memset(&r, 0, sizeof r);
    LS_CHECK_OK(nnp_model_predict(m, s, &r));
    e0 = r.energy;
    struct ls_relax_config cfg;
    ls_relax_config_default(&cfg);
    cfg.log_every = 0;
    cfg.fmax_ev_a = 1e-3;
    cfg.max_steps = 2000;
    cfg.relax_cell = 1;
    cfg.optimizer = "fire";
    cfg.stress_tol_gpa = 0.02; /* the cell-force check below needs sigma < 0.028 GPa */
    struct ls_relax_result res;
    nnp_calc *nc = NULL;
    LS_CHECK_OK(nnp_calc_create(m, &nc));
    LS_CHECK_OK(ls_relax_run(s, nnp_model_calc, nc, &cfg, &res));
    LS_CHECK(res.converged);
    ls_relax_result_free(&res);
    LS_CHECK(res.energy < e0);
    double F[32][3];
    r.forces = F;
    LS_CHECK_OK(nnp_model_predict(m, s, &r));
    double V = fabs(ls_cell_volume(s->cell));
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++) /* cell force V sigma / N below the threshold */
            LS_CHECK(fabs(r.stress[a][b]) * V / s->n_atom * LS_HARTREE_EV < 2e-3);
    /* a slab cannot relax its cell */
    s->pbc[2] = 0;
    LS_CHECK(ls_relax_run(s, nnp_model_calc, nc, &cfg, &res) == LS_ERR_INPUT);
    ls_relax_result_free(&res);
    /* An element the model does not know. */
    s->pbc[2] = 1;
    LS_CHECK_OK(ls_structure_set_species(s, 0, "Fe"));
    double e, f[32][3];
    LS_CHECK(nnp_model_calc(nc, s, &e, f, NULL) == LS_ERR_INPUT);
    LS_CHECK(strstr(ls_error_message(), "Fe") != NULL);
    nnp_calc_destroy(nc);
    ls_structure_destroy(s);
    nnp_model_destroy(m);
}

/* `lodestone relax --potential` end to end ($LODESTONE_BIN, else build/lodestone): BFGS,
 * positions and cell of a displaced fcc cell, exit 0, the JSON says converged. */
static void test_relax_program(void)
{
    nnp_model *m = make_model(1);
    ls_structure *s = fcc(1, 3.55);
    char model[512], xyz[512], json[512], cmd[2048];
    ls_test_tmp_path(model, sizeof model, "relax_nnp.model");
    ls_test_tmp_path(xyz, sizeof xyz, "relax_nnp.xyz");
    ls_test_tmp_path(json, sizeof json, "relax_nnp.json");
    if (!m || !s) return;
    LS_CHECK_OK(nnp_model_save(m, model));
    LS_CHECK_OK(ls_structure_write(xyz, LS_FORMAT_EXTXYZ, s));
    snprintf(cmd, sizeof cmd, "relax %s --potential %s --cell --fmax 0.001 --stress-tol 0.01 --steps 1000 "
             "--checkpoint none --json %s --quiet", xyz, model, json);
    LS_CHECK(ls_test_run(NULL, cmd, NULL, NULL) == 0);
    char *text = NULL;
    size_t n = 0;
    LS_CHECK_OK(ls_file_read_all(json, &text, &n));
    LS_CHECK(text && strstr(text, "\"converged\": true") && strstr(text, "\"optimizer\": \"bfgs\""));
    free(text);
    ls_structure_destroy(s);
    nnp_model_destroy(m);
}

int main(void)
{
    ls_log_set_level(LS_LOG_WARN);
    LS_RUN(test_nve_nvt);
    LS_RUN(test_relax);
    LS_RUN(test_relax_program);
    return ls_test_summary("test_nnp_calc");
}
