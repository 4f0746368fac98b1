/* Parsing of objective and constraint specifications given on the command line (bo_spec.h). */
#include <stdio.h>
#include <string.h>

#include "common/err.h"
#include "common/textio.h"
#include "apps/bo_spec.h"

/* Next comma-separated item of *p into buf (trimmed); 0 at the end. */
static int next_item(const char **p, char *buf, size_t n)
{
    const char *s = *p;
    if (*s == '\0') return 0;
    const char *e = strchr(s, ',');
    size_t len = e ? (size_t)(e - s) : strlen(s);
    while (len > 0 && (*s == ' ')) s++, len--;
    while (len > 0 && s[len - 1] == ' ') len--;
    if (len >= n) len = n - 1;
    memcpy(buf, s, len);
    buf[len] = '\0';
    *p = e ? e + 1 : s + strlen(s);
    return 1;
}

int bo_parse_objectives(const char *text, int max_n, bo_objective_spec *out, int *n)
{
    *n = 0;
    char item[2 * BO_NAME_MAX];
    const char *p = text ? text : "";
    if (*p == '\0') LS_ERROR(LS_ERR_USAGE, "no objective given (fix: --objective COLUMN:max or COLUMN:min)");
    while (next_item(&p, item, sizeof item)) {
        char *colon = strrchr(item, ':');
        if (colon == NULL || colon == item)
            LS_ERROR(LS_ERR_USAGE, "objective '%s': expected COLUMN:max or COLUMN:min (fix: e.g. --objective "
                     "toughness:max)", item);
        *colon = '\0';
        const char *sense = colon + 1;
        if (*n >= max_n) LS_ERROR(LS_ERR_USAGE, "at most %d objectives are supported", max_n);
        if (strcmp(sense, "max") != 0 && strcmp(sense, "min") != 0)
            LS_ERROR(LS_ERR_USAGE, "objective '%s': sense '%s' is neither max nor min", item, sense);
        if (strlen(item) >= BO_NAME_MAX) LS_ERROR(LS_ERR_USAGE, "objective column name too long: '%s'", item);
        for (int k = 0; k < *n; k++)
            if (strcmp(out[k].column, item) == 0)
                LS_ERROR(LS_ERR_USAGE, "objective '%s' is given twice (%s:%s and %s:%s): give each column once", item,
                         item, out[k].maximise ? "max" : "min", item, sense);
        memcpy(out[*n].column, item, strlen(item) + 1);
        out[*n].maximise = strcmp(sense, "max") == 0;
        (*n)++;
    }
    if (*n == 0) LS_ERROR(LS_ERR_USAGE, "no objective given (fix: --objective COLUMN:max or COLUMN:min)");
    return LS_OK;
}

int bo_parse_constraints(const char *text, int max_n, bo_constraint_spec *out, int *n)
{
    *n = 0;
    char item[2 * BO_NAME_MAX];
    const char *p = text ? text : "";
    while (next_item(&p, item, sizeof item)) {
        char *op = strstr(item, "<=");
        int upper = 1;
        if (op == NULL) {
            op = strstr(item, ">=");
            upper = 0;
        }
        if (op == NULL || op == item)
            LS_ERROR(LS_ERR_USAGE, "constraint '%s': expected COLUMN<=VALUE or COLUMN>=VALUE (fix: e.g. "
                     "--constraint 'e_hull<=0.05'; quote it for the shell)", item);
        if (*n >= max_n) LS_ERROR(LS_ERR_USAGE, "at most %d constraints are supported", max_n);
        double v;
        if (ls_parse_double(op + 2, &v) != 0)
            LS_ERROR(LS_ERR_USAGE, "constraint '%s': '%s' is not a number", item, op + 2);
        *op = '\0';
        size_t len = strlen(item);
        while (len > 0 && item[len - 1] == ' ') item[--len] = '\0';
        if (len >= BO_NAME_MAX) LS_ERROR(LS_ERR_USAGE, "constraint column name too long: '%s'", item);
        memcpy(out[*n].column, item, strlen(item) + 1);
        out[*n].upper = upper;
        out[*n].bound = v;
        (*n)++;
    }
    return LS_OK;
}
