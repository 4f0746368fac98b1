/* Elemental reference phases (campaign/references.c). */
#ifndef LS_CAMPAIGN_REFERENCES_H
#define LS_CAMPAIGN_REFERENCES_H

#include "campaign/candidates.h"

/* The reference phase of element z as a candidate with one magnetic start. */
int campaign_reference_make(const struct campaign_config *cfg, int z, struct campaign_candidate *c);

#endif
