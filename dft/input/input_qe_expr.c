/* Arithmetic expressions in pw.x's ATOMIC_POSITIONS fields, as pw.x 6.7 evaluates them
 * (read_cards.f90 passes each coordinate field to its infix evaluator): numbers in Fortran
 * notation (1, 1., .5, 2.5e-3, 2.5d-3, 2.5D+0), the binary operators + - * / and ^ (power),
 * unary + and -, and parentheses, so that "1/3", "-(1+1)*0.25" and "2^-1" are coordinates.
 * Precedence: ^ (right-associative) above unary signs, above * and /, above + and -;
 * so -2^2 = -4.  No spaces inside a field (a space separates fields, as in pw.x).
 *
 * Grammar (recursive descent):
 *   sum     = product { ('+'|'-') product }
 *   product = unary { ('*'|'/') unary }
 *   unary   = ('+'|'-') unary | power
 *   power   = atom [ '^' unary ]
 *   atom    = number | '(' sum ')'
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dft/input/input_qe.h"

struct expr {
    const char *s;  /* the whole text */
    const char *c;  /* the next character */
    char *err;
    size_t n;
    int depth;
};

static int fail(struct expr *e, const char *what)
{
    if (e->err[0] == '\0')
        snprintf(e->err, e->n, "'%s': %s at character %d", e->s, what, (int)(e->c - e->s) + 1);
    return -1;
}

static int sum(struct expr *e, double *v);
static int unary(struct expr *e, double *v);

/* A Fortran number: digits, an optional '.', digits, an optional exponent e/E/d/D with sign. */
static int number(struct expr *e, double *v)
{
    char buf[64];
    size_t k = 0;
    const char *c = e->c;
    int digits = 0;
    while (isdigit((unsigned char)*c)) buf[k < 63 ? k++ : k] = *c++, digits++;
    if (*c == '.') {
        buf[k < 63 ? k++ : k] = *c++;
        while (isdigit((unsigned char)*c)) buf[k < 63 ? k++ : k] = *c++, digits++;
    }
    if (!digits) return fail(e, "expected a number or '('");
    if (*c == 'e' || *c == 'E' || *c == 'd' || *c == 'D') {
        const char *x = c + 1;
        if (*x == '+' || *x == '-') x++;
        if (isdigit((unsigned char)*x)) {
            buf[k < 63 ? k++ : k] = 'e';
            c++;
            if (*c == '+' || *c == '-') buf[k < 63 ? k++ : k] = *c++;
            while (isdigit((unsigned char)*c)) buf[k < 63 ? k++ : k] = *c++;
        }
    }
    if (k >= 63) return fail(e, "number too long");
    buf[k] = '\0';
    *v = strtod(buf, NULL);
    e->c = c;
    return 0;
}

static int atom(struct expr *e, double *v)
{
    if (*e->c == '(') {
        if (++e->depth > 64) return fail(e, "parentheses nested too deeply");
        e->c++;
        if (sum(e, v)) return -1;
        if (*e->c != ')') return fail(e, "expected ')'");
        e->c++;
        e->depth--;
        return 0;
    }
    return number(e, v);
}

static int power(struct expr *e, double *v)
{
    if (atom(e, v)) return -1;
    if (*e->c == '^') {
        e->c++;
        double x;
        if (unary(e, &x)) return -1;
        *v = pow(*v, x);
    }
    return 0;
}

static int unary(struct expr *e, double *v)
{
    if (*e->c == '+' || *e->c == '-') {
        int neg = *e->c == '-';
        if (++e->depth > 64) return fail(e, "too many signs");
        e->c++;
        if (unary(e, v)) return -1;
        e->depth--;
        if (neg) *v = -*v;
        return 0;
    }
    return power(e, v);
}

static int product(struct expr *e, double *v)
{
    if (unary(e, v)) return -1;
    while (*e->c == '*' || *e->c == '/') {
        char op = *e->c++;
        double x;
        if (unary(e, &x)) return -1;
        if (op == '*') *v *= x;
        else {
            if (x == 0) return fail(e, "division by zero");
            *v /= x;
        }
    }
    return 0;
}

static int sum(struct expr *e, double *v)
{
    if (product(e, v)) return -1;
    while (*e->c == '+' || *e->c == '-') {
        char op = *e->c++;
        double x;
        if (product(e, &x)) return -1;
        *v = op == '+' ? *v + x : *v - x;
    }
    return 0;
}

int qe_expr_eval(const char *text, double *value, char *err, size_t n)
{
    struct expr e = {text, text, err, n, 0};
    err[0] = '\0';
    double v = 0;
    if (sum(&e, &v)) return -1;
    if (*e.c != '\0') return fail(&e, "unexpected character");
    if (!isfinite(v)) {
        snprintf(err, n, "'%s' is not a finite number", text);
        return -1;
    }
    *value = v;
    return 0;
}
