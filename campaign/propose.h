/* The next batch of candidates (campaign/propose.c). */
#ifndef LS_CAMPAIGN_PROPOSE_H
#define LS_CAMPAIGN_PROPOSE_H

#include "campaign/store_eval.h"

/* Up to q candidates among those with avail[i] (candidate id i + 1), for round `round`:
 * maximin on the features while fewer than three objective values are known, else Bayesian
 * optimisation on the observations.  pending[n_pending]: candidate ids still being evaluated
 * (overlapping rounds), kept apart from by the maximin design and fantasised by the search.
 * `method` names what was used; *max_ei is the expected feasible improvement of the first
 * pick (NaN when not defined). */
int campaign_propose(const struct campaign_config *cfg, const struct campaign_candidate_list *cands,
                     const struct campaign_observations *obs, const long long *pending, int n_pending,
                     const unsigned char *avail, int q, int round, struct campaign_proposal *out, int *n_out,
                     char method[32], double *max_ei);

#endif
