/* `lodestone suggest` ($LODESTONE_BIN) on the inputs issue 12's bad-input sweep found accepted
 * silently (exit 0): a nan, empty or text cell in a numeric pool column (the column became
 * categorical), and a constraint on a feature column of the pool (the feature was dropped).  Both
 * are now exit 2 with a message naming the file and line or the option, and an existing --out
 * file is left as it was. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/test.h"

static char g_dir[1024];

static void write_file(const char *name, const char *text) { ls_test_write_file(ls_test_in_dir(g_dir, name), text); }

/* Exit code of `suggest ARGS` run in the scratch folder, stderr in err.txt. */
static int run(const char *args)
{
    char words[2048];
    snprintf(words, sizeof words, "suggest %s", args);
    return ls_test_run(g_dir, words, "stdout.txt", "err.txt");
}

static void expect_exit2(const char *args, const char *fragment)
{
    write_file("out.csv", "earlier suggestions\n");
    int rc = run(args);
    char *err = ls_test_slurp(ls_test_in_dir(g_dir, "err.txt"));
    char *out = ls_test_slurp(ls_test_in_dir(g_dir, "out.csv"));
    LS_CHECK_MSG(rc == 2 && err && strstr(err, fragment) != NULL, "rc %d, stderr '%s', expected '%s'", rc,
                 err ? err : "", fragment);
    LS_CHECK_MSG(out && strcmp(out, "earlier suggestions\n") == 0, "out.csv changed: '%s'", out ? out : "(gone)");
    free(err);
    free(out);
}

static void test_mixed_pool_column(void)
{
    write_file("obs.csv", "x1,x2,y,e\n0.1,0.2,1.0,0.1\n0.5,0.7,2.0,0.2\n0.9,0.1,1.5,0.0\n");
    const char *rows = "0.1,0.2\n0.5,0.7\n0.9,0.1\n0.3,0.3\n";
    static const char *const bad[] = {"nan", "inf", "", "n/a"};
    for (int i = 0; i < 4; i++) {
        char pool[512];
        snprintf(pool, sizeof pool, "x1,x2\n%s0.4,%s\n", rows, bad[i]);
        write_file("pool.csv", pool);
        char what[128];
        snprintf(what, sizeof what, "pool.csv:6: column 'x2': %s%s%s among numbers", bad[i][0] ? "'" : "an empty cell",
                 bad[i], bad[i][0] ? "'" : "");
        expect_exit2("--pool pool.csv --observations obs.csv --objective y:max --out out.csv", what);
    }
}

static void test_constraint_on_feature(void)
{
    write_file("pool.csv", "x1,x2\n0.1,0.2\n0.5,0.7\n0.9,0.1\n0.3,0.3\n");
    expect_exit2("--pool pool.csv --observations obs.csv --objective y:max --constraint 'x2<=0.5' --out out.csv",
                 "--constraint on 'x2': that is a feature column of the pool pool.csv");
    /* The constraint on a measured column, and x2 ignored while constrained, both run. */
    LS_CHECK(run("--pool pool.csv --observations obs.csv --objective y:max --constraint 'e<=0.15' --out out.csv") == 0);
    LS_CHECK(run("--pool pool.csv --observations obs.csv --objective y:max --constraint 'x2<=0.5' --ignore x2 "
                 "--out out.csv") == 0);
}

/* The model options: a bad name or size stops with the fix; the approximation forced runs and
 * the exact GP is the same model on so few observations (n <= k): the same suggestion.  One
 * restart for both (the approximation caps its fits at one: with the exact GP's default five, the
 * two fits would end at the same optimum only to the optimiser's tolerance). */
static void test_gp_model_options(void)
{
    write_file("pool.csv", "x1,x2\n0.1,0.2\n0.5,0.7\n0.9,0.1\n0.3,0.3\n0.6,0.6\n0.2,0.8\n");
    write_file("obs.csv", "x1,x2,y\n0.1,0.2,1.0\n0.5,0.7,2.0\n0.9,0.1,1.5\n");
    expect_exit2("--pool pool.csv --observations obs.csv --objective y:max --gp sparse --out out.csv",
                 "unknown GP model 'sparse' (fix: use exact, nn or auto)");
    expect_exit2("--pool pool.csv --observations obs.csv --objective y:max --neighbors 0 --out out.csv", "neighbors");
    LS_CHECK(run("--pool pool.csv --observations obs.csv --objective y:max --gp nn --restarts 1 --out nn.csv") == 0);
    LS_CHECK(run("--pool pool.csv --observations obs.csv --objective y:max --gp exact --restarts 1 --out exact.csv") == 0);
    char *a = ls_test_slurp(ls_test_in_dir(g_dir, "nn.csv"));
    char *b = ls_test_slurp(ls_test_in_dir(g_dir, "exact.csv"));
    LS_CHECK_MSG(a && b && strcmp(a, b) == 0, "nn '%s' exact '%s'", a ? a : "", b ? b : "");
    free(a), free(b);
}

int main(void)
{
    ls_test_fresh_dir(g_dir, sizeof g_dir, "test_cmd_suggest_input");
    LS_RUN(test_mixed_pool_column);
    LS_RUN(test_constraint_on_feature);
    LS_RUN(test_gp_model_options);
    return ls_test_summary("test_cmd_suggest_input");
}
