/* Tests of ls_csv_column_kind (common/csv.c): issue 12's bad-input sweep found that one nan, inf,
 * empty or text cell in a numeric column of `suggest`'s pool turned the whole column into
 * categories without a word.  Now such a column is an error naming the cell's line; columns that
 * are all numbers or all text keep their kind. */
#include <string.h>

#include "common/csv.h"
#include "common/err.h"
#include "common/test.h"

static void expect_mixed(const char *text, const char *what)
{
    ls_csv *t = NULL;
    LS_CHECK_OK(ls_csv_parse(text, "pool.csv", &t));
    if (t == NULL) return;
    int numeric = -1;
    LS_CHECK(ls_csv_column_kind(t, 1, &numeric) == LS_ERR_INPUT);
    LS_CHECK_MSG(strstr(ls_error_message(), what) != NULL, "'%s' lacks '%s'", ls_error_message(), what);
    ls_csv_destroy(t);
}

static void test_mixed_columns(void)
{
    expect_mixed("id,x\na,1.5\nb,nan\nc,2\n", "pool.csv:3: column 'x': 'nan' among numbers (line 2 has 1.5)");
    expect_mixed("id,x\na,inf\nb,1.5\n", "pool.csv:2: column 'x': 'inf' among numbers (line 3 has 1.5)");
    expect_mixed("id,x\na,1.5\nb,\n", "pool.csv:3: column 'x': an empty cell among numbers");
    expect_mixed("id,x\na,0.3\nb,0.2\nc,high\n", "pool.csv:4: column 'x': 'high' among numbers");
}

static void test_pure_columns(void)
{
    ls_csv *t = NULL;
    LS_CHECK_OK(ls_csv_parse("id,x,phase\na,1.5,fcc\nb,-2e-3,bcc\n", "pool.csv", &t));
    if (t == NULL) return;
    int numeric = -1;
    LS_CHECK_OK(ls_csv_column_kind(t, 1, &numeric));
    LS_CHECK(numeric == 1);
    LS_CHECK_OK(ls_csv_column_kind(t, 2, &numeric));
    LS_CHECK(numeric == 0);
    ls_csv_destroy(t);
    LS_CHECK_OK(ls_csv_parse("x\n", "empty.csv", &t));
    if (t) LS_CHECK_OK(ls_csv_column_kind(t, 0, &numeric));
    LS_CHECK(numeric == 1);
    ls_csv_destroy(t);
}

int main(void)
{
    LS_RUN(test_mixed_columns);
    LS_RUN(test_pure_columns);
    return ls_test_summary("test_csv_columns");
}
