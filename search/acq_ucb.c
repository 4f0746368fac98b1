/* Confidence bound:
 *
 *   UCB(x) = mu + kappa sd   (maximised objective)
 *
 * Srinivas, Krause, Kakade & Seeger, ICML 2010, arXiv:0912.3995.  "lcb" is the same rule
 * under the name used for minimised objectives (mu - kappa sd on the minimised scale, e.g.
 * the GP + LCB of Liang et al., npj Comput. Mater. 7, 188 (2021)); the library works on the
 * maximised scale, where both read mu + kappa sd.
 */
#include "search/search.h"

static double ucb_score(double mean, double sd, const bo_acq_params *p) { return mean + p->kappa * sd; }

const bo_acquisition bo_acq_ucb = {"ucb", "upper confidence bound mu + kappa sd (maximised scale)", ucb_score, 0, 1, 0, 0};
const bo_acquisition bo_acq_lcb = {"lcb", "lower confidence bound mu - kappa sd of a minimised objective (= ucb)",
                                   ucb_score, 0, 1, 0, 0};
