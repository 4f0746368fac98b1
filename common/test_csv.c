/* Tests for common/csv.c: quoting, comments, numeric detection and every documented error. */
#include <math.h>
#include <string.h>

#include "common/csv.h"
#include "common/err.h"
#include "common/test.h"

static void test_basic(void)
{
    ls_csv *t = NULL;
    const char *text = "\xEF\xBB\xBF# comment\nname, x ,\"y, quoted\"\r\n\n  Fe2O3 , 2.385,-1e-3\r\n"
                       "\"a \"\"b\"\"\nc\",7,8\n";
    LS_CHECK_OK(ls_csv_parse(text, "mem.csv", &t));
    if (t == NULL) return;
    LS_CHECK(t->n_col == 3 && t->n_row == 2);
    LS_CHECK(strcmp(t->names[1], "x") == 0);
    LS_CHECK(strcmp(t->names[2], "y, quoted") == 0);
    LS_CHECK(strcmp(ls_csv_str(t, 0, 0), "Fe2O3") == 0);
    LS_CHECK_NEAR(ls_csv_num(t, 0, 1), 2.385, 0);
    LS_CHECK_NEAR(ls_csv_num(t, 0, 2), -1e-3, 0);
    LS_CHECK(strcmp(ls_csv_str(t, 1, 0), "a \"b\"\nc") == 0);
    LS_CHECK(isnan(ls_csv_num(t, 1, 0)));
    LS_CHECK(t->line_no[0] == 4 && t->line_no[1] == 5);
    int col = -1;
    LS_CHECK_OK(ls_csv_require_numeric(t, "x", &col));
    LS_CHECK(col == 1);
    LS_CHECK(ls_csv_column(t, "X") == -1);
    LS_CHECK(!ls_csv_column_is_numeric(t, 0));
    ls_csv_destroy(t);
}

static int parse_fails(const char *text, const char *fragment)
{
    ls_csv *t = NULL;
    ls_error_clear();
    int s = ls_csv_parse(text, "bad.csv", &t);
    int ok = s == LS_ERR_INPUT && t == NULL && strstr(ls_error_message(), fragment) != NULL;
    if (!ok) fprintf(stderr, "    message was: %s\n", ls_error_message());
    ls_csv_destroy(t);
    return ok;
}

static void test_errors(void)
{
    LS_CHECK(parse_fails("", "no header row"));
    LS_CHECK(parse_fails("a,b\n1,2\n3\n", "bad.csv:3: 1 field, but the header has 2 columns"));
    LS_CHECK(parse_fails("a,,b\n", "bad.csv:1: header column 2 has no name"));
    LS_CHECK(parse_fails("a,b,a\n", "column name 'a' appears twice"));
    LS_CHECK(parse_fails("a,b\n\"1,2\n", "bad.csv:2: quoted field never closed"));
    LS_CHECK(parse_fails("a,b\n\"1\"x,2\n", "bad.csv:2: text after a closing quote"));
    LS_CHECK(parse_fails("a,b\n1,2\"\n", "stray"));

    ls_csv *t = NULL;
    LS_CHECK_OK(ls_csv_parse("x,y\n1,2\n3,abc\n5,\n", "obs.csv", &t));
    if (t == NULL) return;
    int col;
    ls_error_clear();
    LS_CHECK(ls_csv_require_numeric(t, "y", &col) == LS_ERR_INPUT);
    LS_CHECK(strstr(ls_error_message(), "obs.csv:3: column 'y': 'abc' is not a number") != NULL);
    LS_CHECK(ls_csv_require_numeric(t, "z", &col) == LS_ERR_INPUT);
    LS_CHECK(strstr(ls_error_message(), "no column 'z' in the header (columns: 'x', 'y')") != NULL);
    ls_csv_destroy(t);
    LS_CHECK_OK(ls_csv_parse("x,y\n1,2\n5,\n", "obs.csv", &t));
    LS_CHECK(ls_csv_require_numeric(t, "y", &col) == LS_ERR_INPUT);
    LS_CHECK(strstr(ls_error_message(), "obs.csv:3: column 'y' is empty") != NULL);
    ls_csv_destroy(t);

    LS_CHECK(ls_csv_read("/nonexistent/pool.csv", &t) == LS_ERR_IO);
}

static void test_reference_pool(void)
{
    ls_csv *t = NULL;
    LS_CHECK_OK(ls_csv_read("common/testdata/bo/P3HT.csv", &t));
    if (t == NULL) return;
    LS_CHECK(t->n_col == 6 && t->n_row == 233);
    int col;
    LS_CHECK_OK(ls_csv_require_numeric(t, "Conductivity (measured) (S/cm)", &col));
    LS_CHECK_NEAR(ls_csv_num(t, 0, col), 12.77, 0); /* first data row of P3HT.csv (234 lines, no final newline) */
    ls_csv_destroy(t);
}

static void test_write_field(void)
{
    char buf[256];
    FILE *fp = fmemopen(buf, sizeof buf, "w");
    ls_csv_write_field(fp, "plain");
    fputc(',', fp);
    ls_csv_write_field(fp, "a,\"b\"");
    fclose(fp);
    LS_CHECK(strcmp(buf, "plain,\"a,\"\"b\"\"\"") == 0);
    ls_csv *t = NULL;
    char text[300];
    snprintf(text, sizeof text, "p,q\n%s\n", buf);
    LS_CHECK_OK(ls_csv_parse(text, "rt.csv", &t));
    if (t) LS_CHECK(strcmp(ls_csv_str(t, 0, 1), "a,\"b\"") == 0);
    ls_csv_destroy(t);
}

int main(void)
{
    LS_RUN(test_basic);
    LS_RUN(test_errors);
    LS_RUN(test_reference_pool);
    LS_RUN(test_write_field);
    return ls_test_summary("test_csv");
}
