/* Elemental reference phases (campaign/references.c). */
#ifndef LS_CAMPAIGN_REFERENCES_H
#define LS_CAMPAIGN_REFERENCES_H

#include "campaign/candidates.h"

/* The reference phase of element z as a candidate with one magnetic start. */
int campaign_reference_make(const struct campaign_config *cfg, int z, struct campaign_candidate *c);
/* The candidates (ids 1..n) and the reference phases (ids n+1..) of a campaign, in the order of
 * the store (campaign_run and the launcher's jobs build the same lists). */
int campaign_space_make(const struct campaign_config *cfg, struct campaign_candidate_list *cands,
                        struct campaign_candidate_list *refs);
/* The candidate or reference phase with the store's id `id` in those lists; NULL if none. */
const struct campaign_candidate *campaign_space_candidate(const struct campaign_candidate_list *cands,
                                                          const struct campaign_candidate_list *refs, long long id);

#endif
