/* Tests for surrogate/md.c and workflow/relax.c driven by a (random, smooth) model: NVE
 * conserves the total energy, Langevin reaches its temperature on average, FIRE relaxes
 * positions and cell to the force/stress threshold, and `lodestone relax --potential` (BFGS)
 * converges through the program. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "common/err.h"
#include "common/io.h"
#include "common/log.h"
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
    double e0, max_dev, t_sum;
    int n, n_atom;
};

static int record(void *vctx, const ls_structure *s, const struct nnp_md_frame *f)
{
    struct nve_ctx *c = vctx;
    (void)s;
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
    struct nnp_md_config cfg;
    nnp_md_config_default(&cfg);
    cfg.n_step = 300;
    cfg.dt_fs = 1.0;
    cfg.frame_every = 5;
    cfg.init_temperature_k = 300;
    struct nve_ctx c = {0, 0, 0, 0, s->n_atom};
    LS_CHECK_OK(nnp_md_run(m, s, &cfg, record, &c));
    LS_CHECK_MSG(c.max_dev * LS_HARTREE_EV * 1e3 < 0.5, "NVE energy drift %.3g meV/atom", c.max_dev * LS_HARTREE_EV * 1e3);
    LS_CHECK(c.t_sum > 0);
    /* Langevin at 600 K: the mean temperature of the second half is near 600 K */
    cfg.friction_per_fs = 0.05;
    cfg.temperature_k = 600;
    cfg.n_step = 1500;
    struct nve_ctx c2 = {0, 0, 0, 0, s->n_atom};
    LS_CHECK_OK(nnp_md_run(m, s, &cfg, record, &c2));
    double tmean = c2.t_sum / (c2.n - 1);
    LS_CHECK_MSG(fabs(tmean - 600) < 150, "Langevin mean temperature %.1f K", tmean);
    ls_structure_destroy(s);
    nnp_model_destroy(m);
}

static int calc(void *ctx, const ls_structure *s, double *energy, double (*forces)[3], double stress[3][3])
{
    struct nnp_result r;
    memset(&r, 0, sizeof r);
    r.forces = forces;
    LS_TRY(nnp_model_predict(ctx, s, &r));
    *energy = r.energy;
    if (stress) memcpy(stress, r.stress, sizeof r.stress);
    return LS_OK;
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
    LS_CHECK_OK(ls_relax_run(s, calc, m, &cfg, &res));
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
    LS_CHECK(ls_relax_run(s, calc, m, &cfg, &res) == LS_ERR_INPUT);
    ls_relax_result_free(&res);
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
    snprintf(cmd, sizeof cmd, "%s relax %s --potential %s --cell --fmax 0.001 --stress-tol 0.01 --steps 1000 "
             "--checkpoint none --json %s --quiet > /dev/null", ls_test_bin(), xyz, model, json);
    int rc = system(cmd);
    LS_CHECK(WIFEXITED(rc) && WEXITSTATUS(rc) == 0);
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
    return ls_test_summary("test_md");
}
