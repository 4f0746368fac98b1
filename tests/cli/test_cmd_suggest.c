/* End-to-end tests of `lodestone suggest` (the binary named by $LODESTONE_BIN, set by
 * `make test`): ask/tell round trip, reproducibility, no repeated or pending suggestions,
 * and every documented input error (exit code 2, message naming file, line and fix). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "common/err.h"
#include "common/test.h"

static char dir[1024];

static void write_file(const char *name, const char *text)
{
    ls_test_write_file(ls_test_in_dir(dir, name), text);
}

/* Run suggest with args; stdout into out.csv, stderr into err.txt; returns the exit code. */
static int run(const char *args)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "suggest %s", args);
    return ls_test_run(dir, cmd, "out.csv", "err.txt");
}

static char *slurp(const char *name)
{
    static char buf[1 << 16];
    char p[2048];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "r");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    buf[n] = '\0';
    if (f) fclose(f);
    return buf;
}

static void make_pool(void)
{
    /* 60 candidates on a grid of two numeric features and one categorical column. */
    char text[8192] = "id,x1,x2,phase\n";
    const char *phases[3] = {"bcc", "fcc", "hcp"};
    for (int i = 0; i < 60; i++) {
        char line[128];
        snprintf(line, sizeof line, "c%d,%.3f,%.3f,%s\n", i, 0.1 * (i % 10), 0.385 * (i / 10), phases[i % 3]);
        strcat(text, line);
    }
    write_file("pool.csv", text);
    write_file("obs.csv", "id,x1,x2,phase,y,e_hull\n"
                          "c0,0.000,0.000,bcc,1.5,0.2\n"
                          "c13,0.300,0.385,bcc,2.25,0.01\n"
                          "c27,0.700,0.770,bcc,3.0,0.0\n"
                          "c41,0.100,1.540,fcc,2.0,0.3\n"
                          "c55,0.500,1.925,bcc,1.0,0.02\n"
                          "c8,0.800,0.000,hcp,,\n");
}

static void test_round_trip(void)
{
    make_pool();
    const char *args = "--pool pool.csv --observations obs.csv --objective y:max --ignore id --batch 4 --seed 7";
    LS_CHECK(run(args) == 0);
    char first[1 << 16];
    snprintf(first, sizeof first, "%s", slurp("out.csv"));
    LS_CHECK(strncmp(first, "id,x1,x2,phase,pool_line,predicted_y,sd_y,acquisition,acquisition_value\n", 71) == 0);
    int lines = 0;
    for (const char *p = first; *p; p++) lines += *p == '\n';
    LS_CHECK_MSG(lines == 5, "%d lines:\n%s", lines, first);
    /* Observed (c0, c13, c27, c41, c55) and pending (c8) candidates never come back; no repeats. */
    const char *seen[] = {"\nc0,", "\nc13,", "\nc27,", "\nc41,", "\nc55,", "\nc8,"};
    for (int k = 0; k < 6; k++) LS_CHECK_MSG(strstr(first, seen[k]) == NULL, "suggested %s again", seen[k] + 1);
    char ids[4][16] = {{0}};
    const char *p = strchr(first, '\n') + 1;
    for (int j = 0; j < 4 && p && *p; j++) {
        sscanf(p, "%15[^,]", ids[j]);
        for (int k = 0; k < j; k++) LS_CHECK(strcmp(ids[j], ids[k]) != 0);
        p = strchr(p, '\n');
        if (p) p++;
    }
    /* The same inputs and seed give the same suggestions, byte for byte. */
    LS_CHECK(run(args) == 0);
    LS_CHECK(strcmp(first, slurp("out.csv")) == 0);
    /* A constraint and two objectives. */
    LS_CHECK(run("--pool pool.csv --observations obs.csv --objective y:max --constraint 'e_hull<=0.05' --ignore id") == 0);
    LS_CHECK(strstr(slurp("out.csv"), ",p_feasible,") != NULL);
    LS_CHECK(run("--pool pool.csv --observations obs.csv --objective y:max,e_hull:min --ignore id --batch 2 --front front.csv") == 0);
    LS_CHECK(strstr(slurp("out.csv"), "log_ehvi") != NULL);
    LS_CHECK(strstr(slurp("front.csv"), "c27,") != NULL); /* best y and lowest e_hull: on the front */
}

static int fails_with(const char *args, const char *fragment)
{
    int rc = run(args);
    const char *err = slurp("err.txt");
    int ok = rc == 2 && strstr(err, fragment) != NULL;
    if (!ok) fprintf(stderr, "    rc %d, stderr: %s", rc, err);
    return ok;
}

static void test_errors(void)
{
    make_pool();
    LS_CHECK(fails_with("--pool pool.csv --observations obs.csv --objective z:max --ignore id",
                        "obs.csv:1: no column 'z' in the header"));
    LS_CHECK(fails_with("--pool pool.csv --observations obs.csv --objective y:max --constraint 'stab<=0' --ignore id",
                        "--constraint on unknown column 'stab'"));
    LS_CHECK(fails_with("--pool pool.csv --observations obs.csv --objective y --ignore id", "expected COLUMN:max"));
    write_file("bad1.csv", "id,x1,x2,phase,y\nc0,0.000,0.000,bcc,1.5\nc1,0.1,abc,bcc,2\n");
    LS_CHECK(fails_with("--pool pool.csv --observations bad1.csv --objective y:max --ignore id",
                        "bad1.csv:3: column 'x2': 'abc' is not a number"));
    write_file("bad2.csv", "id,x1,x2,phase,y\nc0,0.000,0.000,bcc,high\n");
    LS_CHECK(fails_with("--pool pool.csv --observations bad2.csv --objective y:max --ignore id",
                        "bad2.csv:2: column 'y': 'high' is not a number"));
    write_file("bad3.csv", "id,x1,x1,phase,y\n");
    LS_CHECK(fails_with("--pool pool.csv --observations bad3.csv --objective y:max --ignore id", "appears twice"));
    write_file("bad4.csv", "id,x1,phase,y\nc0,0,bcc,1\n");
    LS_CHECK(fails_with("--pool pool.csv --observations bad4.csv --objective y:max --ignore id",
                        "bad4.csv:1: no column 'x2'"));
    write_file("bad5.csv", "id,x1,x2,phase,y\nc0,0,0,bcc\n");
    LS_CHECK(fails_with("--pool pool.csv --observations bad5.csv --objective y:max --ignore id",
                        "bad5.csv:2: 4 fields, but the header has 5 columns"));
    LS_CHECK(fails_with("--pool missing.csv --observations obs.csv --objective y:max", "cannot open 'missing.csv'"));
    LS_CHECK(fails_with("--pool pool.csv --observations obs.csv --objective y:max --acquisition foo", "unknown acquisition"));
}

int main(void)
{
    ls_test_fresh_dir(dir, sizeof dir, "suggest");
    LS_RUN(test_round_trip);
    LS_RUN(test_errors);
    return ls_test_summary("test_cmd_suggest");
}
