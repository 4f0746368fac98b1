/* Descriptor registry and shared helpers; see descriptor.h. */
#include "surrogate/descriptor.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/err.h"

const struct nnp_descriptor_type *const nnp_descriptor_types[] = {&nnp_descriptor_moment, &nnp_descriptor_bp,
                                                                  NULL};

int nnp_chem_parse(const char *name, enum nnp_chem *chem)
{
    if (strcmp(name, "element") == 0) *chem = NNP_CHEM_ELEMENT;
    else if (strcmp(name, "chebyshev") == 0) *chem = NNP_CHEM_CHEBYSHEV;
    else LS_ERROR(LS_ERR_INPUT, "unknown chemical channels '%s' (known: element, chebyshev)", name);
    return LS_OK;
}

const char *nnp_chem_name(enum nnp_chem chem) { return chem == NNP_CHEM_CHEBYSHEV ? "chebyshev" : "element"; }

void nnp_cutoff(double r, double r_cut, double *fc, double *dfc)
{
    if (r >= r_cut) {
        *fc = 0.0;
        *dfc = 0.0;
        return;
    }
    double x = M_PI * r / r_cut;
    *fc = 0.5 * (cos(x) + 1.0);
    *dfc = -0.5 * M_PI / r_cut * sin(x);
}

int nnp_descriptor_create(const struct nnp_descriptor_params *p, int n_elem, nnp_descriptor **out)
{
    *out = NULL;
    const struct nnp_descriptor_type *type = NULL;
    for (int i = 0; nnp_descriptor_types[i]; i++)
        if (strcmp(nnp_descriptor_types[i]->name, p->type) == 0) type = nnp_descriptor_types[i];
    if (type == NULL) LS_ERROR(LS_ERR_INPUT, "unknown descriptor '%s' (known: moment, bp)", p->type);
    if (n_elem < 1 || n_elem > NNP_MAX_ELEMENTS)
        LS_ERROR(LS_ERR_INPUT, "descriptor: %d elements (1 to %d supported)", n_elem, NNP_MAX_ELEMENTS);
    if (!(p->r_cut > 0.5 && p->r_cut < 40.0))
        LS_ERROR(LS_ERR_INPUT, "descriptor cutoff %g bohr is out of the range 0.5-40 bohr", p->r_cut);
    nnp_descriptor *d = calloc(1, sizeof *d);
    if (d == NULL) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    d->type = type;
    d->p = *p;
    d->n_elem = n_elem;
    int status = type->init(d);
    if (status != LS_OK) {
        nnp_descriptor_destroy(d);
        return status;
    }
    *out = d;
    return LS_OK;
}

void nnp_descriptor_destroy(nnp_descriptor *desc)
{
    if (desc == NULL) return;
    if (desc->type && desc->type->free_priv) desc->type->free_priv(desc);
    free(desc);
}
