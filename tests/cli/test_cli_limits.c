/* The command-line findings of the bad-input sweep (issue 12), through the program: each case
 * exits with 2, the message names the option (or the file and frame) and the fix, and nothing
 * written before is lost.
 *  - An output path that is one of the inputs is refused, compared by file identity (the same
 *    file through another path too): suggest --out OBS.csv, train --out TRAIN.xyz, predict --out
 *    IN.xyz, info X --json X (via ./X), scf IN.yaml --json IN.yaml, relax --traj IN.vasp
 *    --potential M, md --traj MODEL; the input is unchanged afterwards.
 *  - Sizes and counts are checked against stated limits before anything is allocated: md
 *    --repeat 1000,1000,1000, md --steps 100000000000000, suggest --restarts 2000000000,
 *    bench-pool --runs 0, bench-function --init 0; md --steps -5 names the steps (not the time
 *    step); md --temperature -300, --friction -1, --dt 1e6; train --w-force -100,
 *    --val-fraction -0.1, --cutoff -1 (answered in angstrom), --epochs 0 (named);
 *    suggest --objective y:max,y:min.
 *  - Training data with energy=1e300: exit 2 naming the file and the frame (not "lower the
 *    learning rate").
 *  - scf --xyz of an SCF that did not converge appends nothing unless --xyz-unconverged. */
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "common/io.h"
#include "common/test.h"
#include "common/units.h"
#include "surrogate/surrogate.h"

static char dir[1024];

#define SI_POSCAR "Si\n1.0\n0 2.7155 2.7155\n2.7155 0 2.7155\n2.7155 2.7155 0\nSi\n2\nDirect\n0 0 0\n0.25 0.25 0.251\n"
#define FRAME(e) "2\nLattice=\"0 2.7155 2.7155 2.7155 0 2.7155 2.7155 2.7155 0\" Properties=species:S:1:pos:R:3:forces:R:3 " \
                 "energy=" e " pbc=\"T T T\"\nSi 0 0 0 0.1 0 0\nSi 1.35 1.36 1.35 -0.1 0 0\n"

/* Run `args` in the scratch folder; 1 when it exits with 2 and stderr has every fragment (NULL-ended). */
static int refused(const char *args, const char *const *fragments)
{
    const char *err = ls_test_in_dir(dir, "err.txt");
    int rc = ls_test_run(dir, args, NULL, "err.txt");
    char *msg = ls_test_slurp(err);
    int ok = rc == 2 && msg != NULL;
    for (int k = 0; ok && fragments[k]; k++) ok = strstr(msg, fragments[k]) != NULL;
    if (!ok) fprintf(stderr, "  '%s': exit %d, message: %s", args, rc, msg ? msg : "(none)\n");
    free(msg);
    return ok;
}

/* The file's content is still `before`. */
static int unchanged(const char *name, const char *before)
{
    char *now = ls_test_slurp(ls_test_in_dir(dir, name));
    int same = now && strcmp(now, before) == 0;
    free(now);
    return same;
}

static void make_fixtures(void)
{
    ls_test_write_file(ls_test_in_dir(dir, "si.vasp"), SI_POSCAR);
    ls_test_write_file(ls_test_in_dir(dir, "t.xyz"), FRAME("-215.3") FRAME("-215.2"));
    ls_test_write_file(ls_test_in_dir(dir, "huge.xyz"), FRAME("-215.3") FRAME("1e300"));
    ls_test_write_file(ls_test_in_dir(dir, "pool.csv"), "x,y\n0.1,\n0.5,\n0.9,\n");
    ls_test_write_file(ls_test_in_dir(dir, "obs.csv"), "x,y\n0.2,1.5\n0.7,2.5\n");
    struct nnp_model_config cfg;
    nnp_model_config_default(&cfg);
    cfg.desc.n_radial = 3;
    cfg.desc.n_angular = 1;
    cfg.desc.l_max = 1;
    cfg.hidden[0] = cfg.hidden[1] = 4;
    int z = 14;
    nnp_model *m = NULL;
    LS_CHECK_OK(nnp_model_create(&cfg, 1, &z, 1, 3, &m));
    if (m) LS_CHECK_OK(nnp_model_save(m, ls_test_in_dir(dir, "si.model")));
    nnp_model_destroy(m);
    char pseudo[512], yaml[4400];
    ls_test_pseudo(pseudo, sizeof pseudo, "Si");
    char abs_pseudo[4096];
    if (realpath(pseudo, abs_pseudo) == NULL) snprintf(abs_pseudo, sizeof abs_pseudo, "%s", pseudo);
    snprintf(yaml, sizeof yaml,
             "structure: si.vasp\npseudopotentials: {Si: %s}\necut: 12 Ry\nkpoints: {mesh: [1, 1, 1]}\n"
             "scf: {max_iter: 1}\n", abs_pseudo);
    ls_test_write_file(ls_test_in_dir(dir, "si.yaml"), yaml);
}

static void test_output_is_input(void)
{
    char *obs = ls_test_slurp(ls_test_in_dir(dir, "obs.csv")), *train = ls_test_slurp(ls_test_in_dir(dir, "t.xyz"));
    char *vasp = ls_test_slurp(ls_test_in_dir(dir, "si.vasp")), *yaml = ls_test_slurp(ls_test_in_dir(dir, "si.yaml"));
    char *model = ls_test_slurp(ls_test_in_dir(dir, "si.model"));
    if (!obs || !train || !vasp || !yaml || !model) {
        LS_CHECK(0);
        return;
    }
    LS_CHECK(refused("suggest --pool pool.csv --observations obs.csv --objective y:max --out ./obs.csv",
                     (const char *[]){"--out ./obs.csv is the input obs.csv", "give another path", NULL}));
    LS_CHECK(unchanged("obs.csv", obs));
    LS_CHECK(refused("train --train t.xyz --out t.xyz --epochs 1",
                     (const char *[]){"--out t.xyz is the input t.xyz", NULL}));
    LS_CHECK(unchanged("t.xyz", train));
    LS_CHECK(refused("predict --model si.model t.xyz --out t.xyz", (const char *[]){"--out t.xyz is the input", NULL}));
    LS_CHECK(unchanged("t.xyz", train));
    LS_CHECK(refused("info si.vasp --json ./si.vasp", (const char *[]){"--json ./si.vasp is the input si.vasp", NULL}));
    LS_CHECK(unchanged("si.vasp", vasp));
    LS_CHECK(refused("scf si.yaml --json si.yaml", (const char *[]){"--json si.yaml is the input si.yaml", NULL}));
    LS_CHECK(unchanged("si.yaml", yaml));
    LS_CHECK(refused("relax si.vasp --potential si.model --traj si.vasp --checkpoint none",
                     (const char *[]){"--traj si.vasp is the input si.vasp", NULL}));
    LS_CHECK(unchanged("si.vasp", vasp));
    LS_CHECK(refused("md --model si.model si.vasp --traj si.model --steps 2",
                     (const char *[]){"--traj si.model is the input si.model", NULL}));
    LS_CHECK(unchanged("si.model", model));
    free(obs), free(train), free(vasp), free(yaml), free(model);
}

static void test_limits(void)
{
    const char *md = "md --model si.model si.vasp";
    char args[512];
    struct {
        const char *opts, *expect;
    } md_cases[] = {
        {"--repeat 1000,1000,1000", "makes 2000000000 atoms: at most 10000000"},
        {"--steps 100000000000000", "--steps must be between 0 and 1000000000 (MD steps)"},
        {"--steps -5", "--steps must be between 0 and 1000000000 (MD steps), got -5"},
        {"--temperature -300", "--temperature must be between 0 and 1e+06 K, got -300"},
        {"--friction -1", "--friction must be between 0 and 1000 per fs (0: NVE), got -1"},
        {"--dt 1e6", "--dt must be a time step above 0 and at most 100 fs"},
        {"--every 0", "--every must be between 1 and"},
    };
    for (size_t i = 0; i < sizeof md_cases / sizeof md_cases[0]; i++) {
        snprintf(args, sizeof args, "%s %s", md, md_cases[i].opts);
        LS_CHECK(refused(args, (const char *[]){md_cases[i].expect, NULL}));
    }
    const char *suggest = "suggest --pool pool.csv --observations obs.csv";
    snprintf(args, sizeof args, "%s --objective y:max --restarts 2000000000", suggest);
    LS_CHECK(refused(args, (const char *[]){"--restarts must be between 0 and 1000", NULL}));
    snprintf(args, sizeof args, "%s --objective y:max,y:min", suggest);
    LS_CHECK(refused(args, (const char *[]){"objective 'y' is given twice", NULL}));
    LS_CHECK(refused("bench-pool --pool pool.csv --objective y:max --runs 0",
                     (const char *[]){"--runs must be between 1 and 100000 (seeded runs), got 0", NULL}));
    LS_CHECK(refused("bench-function --function branin --evals 10 --init 0",
                     (const char *[]){"--init must be between 1 and", NULL}));
    const char *train = "train --train t.xyz --out new.model";
    struct {
        const char *opts, *expect;
    } tr_cases[] = {
        {"--w-force -100", "--w-force must be between 0 and 1e+12, got -100"},
        {"--val-fraction -0.1", "--val-fraction must be between 0 and 0.9"},
        {"--cutoff -1", "--cutoff must be between 0.3 and 21 angstrom, got -1"},
        {"--epochs 0", "--epochs must be between 1 and 1000000 (training epochs), got 0"},
        {"--batch 0", "--batch must be between 1"},
        {"--lr -1", "--lr must be between"},
    };
    for (size_t i = 0; i < sizeof tr_cases / sizeof tr_cases[0]; i++) {
        snprintf(args, sizeof args, "%s %s", train, tr_cases[i].opts);
        LS_CHECK(refused(args, (const char *[]){tr_cases[i].expect, NULL}));
    }
    LS_CHECK(refused("train --train huge.xyz --out new.model --epochs 2",
                     (const char *[]){"huge.xyz frame 2: energy", "not an atomistic energy", NULL}));
    LS_CHECK(access(ls_test_in_dir(dir, "new.model"), F_OK) != 0);
}

static void test_scf_unconverged_frame(void)
{
    const char *xyz = ls_test_in_dir(dir, "frames.xyz");
    remove(xyz);
    int rc = ls_test_run(dir, "scf si.yaml --xyz frames.xyz --checkpoint none --threads 1", NULL, "err.txt");
    LS_CHECK_MSG(rc == 1, "exit %d, expected 1 (not converged)", rc);
    LS_CHECK(access(xyz, F_OK) != 0);
    LS_CHECK(ls_test_file_has(ls_test_in_dir(dir, "err.txt"), "no frame appended to frames.xyz (--xyz-unconverged"));
    rc = ls_test_run(dir, "scf si.yaml --xyz frames.xyz --xyz-unconverged --checkpoint none --threads 1", NULL,
                     "err.txt");
    LS_CHECK(rc == 1);
    ls_structure_list *l = NULL;
    LS_CHECK_OK(ls_structures_read(xyz, LS_FORMAT_EXTXYZ, &l));
    LS_CHECK(l && l->n == 1 && l->items[0]->has_energy);
    ls_structure_list_destroy(l);
}

int main(void)
{
    ls_test_fresh_dir(dir, sizeof dir, "cli_limits");
    make_fixtures();
    LS_RUN(test_output_is_input);
    LS_RUN(test_limits);
    LS_RUN(test_scf_unconverged_frame);
    return ls_test_summary("test_cli_limits");
}
