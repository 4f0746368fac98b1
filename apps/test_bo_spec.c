/* The objective and constraint specifications of `suggest` and `bench-pool` (apps/bo_spec.c):
 * names with spaces and colons, senses, limits, and every documented error (an objective given
 * twice among them). */
#include <string.h>

#include "apps/bo_spec.h"
#include "common/err.h"
#include "common/test.h"

static void test_specs(void)
{
    bo_objective_spec o[3];
    bo_constraint_spec c[8];
    int n;
    LS_CHECK_OK(bo_parse_objectives("Conductivity (S/cm):max, e_form:min", 3, o, &n));
    LS_CHECK(n == 2 && o[0].maximise && !o[1].maximise && strcmp(o[1].column, "e_form") == 0);
    LS_CHECK(strcmp(o[0].column, "Conductivity (S/cm)") == 0);
    LS_CHECK_OK(bo_parse_objectives("t:x:min", 3, o, &n));
    LS_CHECK(n == 1 && strcmp(o[0].column, "t:x") == 0 && !o[0].maximise);
    LS_CHECK(bo_parse_objectives("y", 3, o, &n) == LS_ERR_USAGE);
    LS_CHECK(bo_parse_objectives("y:maximum", 3, o, &n) == LS_ERR_USAGE);
    LS_CHECK(bo_parse_objectives("a:max,b:max,c:max,d:max", 3, o, &n) == LS_ERR_USAGE);
    LS_CHECK(bo_parse_objectives("", 3, o, &n) == LS_ERR_USAGE);
    LS_CHECK(bo_parse_objectives("y:max,y:min", 3, o, &n) == LS_ERR_USAGE);
    LS_CHECK_MSG(strstr(ls_error_message(), "objective 'y' is given twice (y:max and y:min)"), "%s", ls_error_message());
    LS_CHECK_OK(bo_parse_constraints("e_hull<=0.05,m>=-2.385", 8, c, &n));
    LS_CHECK(n == 2 && c[0].upper && c[0].bound == 0.05 && !c[1].upper && c[1].bound == -2.385);
    LS_CHECK(bo_parse_constraints("e_hull<0.05", 8, c, &n) == LS_ERR_USAGE);
    LS_CHECK(bo_parse_constraints("e_hull<=abc", 8, c, &n) == LS_ERR_USAGE);
    LS_CHECK_OK(bo_parse_constraints(NULL, 8, c, &n));
    LS_CHECK(n == 0);
}

int main(void)
{
    LS_RUN(test_specs);
    return ls_test_summary("test_bo_spec");
}
