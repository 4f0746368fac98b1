/* The potential as a calculator (nnp_model_calc, nnp_calc_bind in surrogate.h): the one place
 * where `lodestone relax --potential`, `lodestone md` and the campaign turn a model into the
 * calculator contract of workflow/calc.h. */
#include <stdlib.h>
#include <string.h>

#include "common/err.h"
#include "surrogate/surrogate.h"

struct nnp_calc {
    const nnp_model *model;   /* borrowed */
    struct nnp_result last;   /* scalars of the last prediction (its array pointers are NULL) */
    int n_atom;               /* size of the scratch forces */
    double (*scratch)[3];     /* forces when the caller wants none (the stress needs the forces pass) */
};

int nnp_calc_create(const nnp_model *m, nnp_calc **out)
{
    *out = calloc(1, sizeof **out);
    if (*out == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    (*out)->model = m;
    return LS_OK;
}

void nnp_calc_destroy(nnp_calc *c)
{
    if (c == NULL) return;
    free(c->scratch);
    free(c);
}

const struct nnp_result *nnp_calc_last(const nnp_calc *c)
{
    return &c->last;
}

int nnp_model_calc(void *ctx, const ls_structure *s, double *energy, double (*forces)[3], double stress[3][3])
{
    nnp_calc *c = ctx;
    struct nnp_result r;
    memset(&r, 0, sizeof r);
    r.forces = forces;
    if (forces == NULL) {
        if (c->n_atom < s->n_atom) {
            double(*f)[3] = realloc(c->scratch, (size_t)s->n_atom * sizeof *f);
            if (f == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
            c->scratch = f;
            c->n_atom = s->n_atom;
        }
        r.forces = c->scratch;
    }
    memset(&c->last, 0, sizeof c->last);
    LS_TRY(nnp_model_predict(c->model, s, &r));
    *energy = r.energy;
    if (stress) memcpy(stress, r.stress, sizeof r.stress);
    c->last = r;
    c->last.forces = NULL;
    return LS_OK;
}

static void calc_info(void *ctx, struct ls_calc_info *info)
{
    const nnp_calc *c = ctx;
    info->has_spread = nnp_model_n_member(c->model) > 1;
    info->energy_spread = c->last.energy_std;
    info->max_force_spread = c->last.max_force_std;
    info->n_extrapolating = c->last.n_extrapolating;
}

void nnp_calc_bind(nnp_calc *c, ls_calc *calc)
{
    memset(calc, 0, sizeof *calc);
    calc->name = "nnp";
    calc->compute = nnp_model_calc;
    calc->ctx = c;
    calc->info = calc_info;
}
