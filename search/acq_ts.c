/* Thompson sampling: draw one function from the joint posterior over the candidates and
 * take its maximiser; a batch of q is q independent draws (Kandasamy et al., AISTATS 2018,
 * arXiv:1705.09236; Thompson, Biometrika 25, 285 (1933), doi:10.2307/2332286).  Scores come
 * from posterior samples drawn in select.c, so the table has no score function. */
#include <stddef.h>

#include "search/search.h"

const bo_acquisition bo_acq_ts = {"ts", "Thompson sampling (joint posterior draws; batches of independent draws)",
                                  NULL, 0, 0, 1, 0};
