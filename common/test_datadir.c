/* Tests of common/datadir.c: the search order (LODESTONE_DATA, beside the program, compiled in) and
 * its errors.  The test program runs as build/tests/test_datadir, so "beside the program" finds the
 * checkout's inputs/ two folders up. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/datadir.h"
#include "common/err.h"
#include "common/test.h"

#define PROBE "pseudo/pd04-pbe-sr/HINTS.tsv"

static void test_beside_program(void)
{
    unsetenv("LODESTONE_DATA");
    char dir[PATH_MAX], want[PATH_MAX];
    const char *how = NULL;
    LS_CHECK_OK(ls_datadir_find(PROBE, dir, sizeof dir, &how));
    LS_CHECK(how && strcmp(how, "beside the program") == 0);
    LS_CHECK(realpath("inputs", want) != NULL);
    char got[PATH_MAX];
    LS_CHECK_MSG(realpath(dir, got) && strcmp(got, want) == 0, "%s, expected %s", dir, want);
}

static void test_environment(void)
{
    char dir[PATH_MAX], abs_inputs[PATH_MAX];
    const char *how = NULL;
    LS_CHECK(realpath("inputs", abs_inputs) != NULL);
    setenv("LODESTONE_DATA", abs_inputs, 1);
    LS_CHECK_OK(ls_datadir_find(PROBE, dir, sizeof dir, &how));
    LS_CHECK(how && strcmp(how, "from LODESTONE_DATA") == 0 && strcmp(dir, abs_inputs) == 0);
    /* Set but wrong: an error naming the variable, nothing else tried. */
    setenv("LODESTONE_DATA", "build/no-such-data-dir", 1);
    LS_CHECK(ls_datadir_find(PROBE, dir, sizeof dir, &how) == LS_ERR_INPUT);
    LS_CHECK_MSG(strstr(ls_error_message(), "LODESTONE_DATA is set to 'build/no-such-data-dir'") != NULL, "%s",
                 ls_error_message());
    /* Empty counts as unset. */
    setenv("LODESTONE_DATA", "", 1);
    LS_CHECK_OK(ls_datadir_find(PROBE, dir, sizeof dir, &how));
    LS_CHECK(how && strcmp(how, "beside the program") == 0);
    unsetenv("LODESTONE_DATA");
}

static void test_not_found(void)
{
    unsetenv("LODESTONE_DATA");
    char dir[PATH_MAX];
    LS_CHECK(ls_datadir_find("pseudo/no-such-set/Xx.upf", dir, sizeof dir, NULL) == LS_ERR_INPUT);
    const char *msg = ls_error_message();
    LS_CHECK_MSG(strstr(msg, "pseudo/no-such-set/Xx.upf not found") && strstr(msg, ls_datadir_compiled()) &&
                     strstr(msg, "test_datadir") && strstr(msg, "LODESTONE_DATA"),
                 "%s", msg);
    LS_CHECK(strstr(ls_datadir_compiled(), "share/lodestone") != NULL);
}

int main(void)
{
    LS_RUN(test_beside_program);
    LS_RUN(test_environment);
    LS_RUN(test_not_found);
    return ls_test_summary("test_datadir");
}
