/* The elemental reference phases of formation energies and of the convex hull: each element's
 * ground-state structure (campaign/elements_data.c says which and why), computed once by the
 * same engine with the campaign's settings and stored like any evaluation. */
#include <stdlib.h>
#include <string.h>

#include "campaign/candidates.h"
#include "campaign/references.h"
#include "common/elements.h"
#include "common/err.h"

/* c/a of the hcp elements (experiment, room temperature; Kittel, Introduction to Solid State
 * Physics, 8th ed., table 1.3 / CRC Handbook); relaxed afterwards. */
static double hcp_c_over_a(int z)
{
    switch (z) {
    case 12: return 1.624; /* Mg */
    case 22: return 1.587; /* Ti */
    case 27: return 1.623; /* Co */
    case 30: return 1.856; /* Zn */
    case 40: return 1.593; /* Zr */
    default: return 1.633;
    }
}

int campaign_reference_make(const struct campaign_config *cfg, int z, struct campaign_candidate *c)
{
    const struct campaign_element *e = campaign_element_get(z);
    if (!e) LS_ERROR(LS_ERR_INPUT, "no reference phase for %s", ls_element_symbol(z));
    const char *label = e->reference;
    const char *proto = label;
    char name[16];
    enum campaign_order order = e->moment_mub > 0 ? CAMPAIGN_ORDER_FM : CAMPAIGN_ORDER_NM;
    if (strstr(label, "-AFM")) {
        snprintf(name, sizeof name, "%.*s", (int)(strstr(label, "-AFM") - label), label);
        proto = name;
        order = CAMPAIGN_ORDER_FERRI;
    }
    const struct campaign_prototype *p = campaign_prototype_find(proto);
    if (!p) LS_ERROR(LS_ERR_INTERNAL, "reference prototype %s unknown", proto);
    int z_role[CAMPAIGN_MAX_SITES] = {z, z, z, z};
    /* One start: the known ground-state order. */
    struct campaign_config one = *cfg;
    one.n_order = 1;
    one.orders[0] = order;
    double ca = p->lattice == CAMPAIGN_LAT_HEX ? hcp_c_over_a(z) : 0;
    LS_TRY(campaign_candidate_make(&one, p, z_role, ca, c));
    snprintf(c->name, sizeof c->name, "%s %s (reference)", p->name, ls_element_symbol(z));
    /* The AFM cells hold one element on both sites: bcc (Cr in the B2 cell) and fcc (Mn in the
     * L1_0 cell at c/a = sqrt 2) without their moments. */
    if (order == CAMPAIGN_ORDER_FERRI) c->spacegroup = !strcmp(p->name, "B2") ? 229 : 225;
    return LS_OK;
}

int campaign_space_make(const struct campaign_config *cfg, struct campaign_candidate_list *cands,
                        struct campaign_candidate_list *refs)
{
    memset(refs, 0, sizeof *refs);
    LS_TRY(campaign_candidates_enumerate(cfg, cands));
    refs->items = calloc((size_t)cfg->n_elem, sizeof *refs->items);
    if (!refs->items) LS_ERROR(LS_ERR_NOMEM, "out of memory");
    refs->cap = cfg->n_elem;
    for (int i = 0; i < cfg->n_elem; i++) {
        LS_TRY(campaign_reference_make(cfg, cfg->elements[i], &refs->items[i]));
        refs->n++;
    }
    return LS_OK;
}

const struct campaign_candidate *campaign_space_candidate(const struct campaign_candidate_list *cands,
                                                          const struct campaign_candidate_list *refs, long long id)
{
    if (id >= 1 && id <= cands->n) return &cands->items[id - 1];
    if (id > cands->n && id <= (long long)cands->n + refs->n) return &refs->items[id - 1 - cands->n];
    return NULL;
}
