/* Internal: a k-d tree for nearest-neighbour queries (search/kdtree.c). */
#ifndef LS_SEARCH_KDTREE_H
#define LS_SEARCH_KDTREE_H

typedef struct bo_kdtree bo_kdtree;

/* A tree over the n points x (n x dim, copied).  LS_ERR_NOMEM, LS_ERR_INPUT for n < 1. */
int bo_kdtree_build(long n, int dim, const double *x, bo_kdtree **out);
void bo_kdtree_destroy(bo_kdtree *t); /* accepts NULL */
int bo_kdtree_clone(const bo_kdtree *t, bo_kdtree **out);
/* Index (into the x of the build) of the point nearest to q in Euclidean distance, its squared
 * distance in *d2 (may be NULL).  max_leaves 0: exact; > 0: the nearest among the points of at
 * most that many leaves, nearest cells first (approximate).  off: dim doubles of scratch.
 * Thread-safe for concurrent queries (each with its own off). */
long bo_kdtree_nearest(const bo_kdtree *t, const double *q, long max_leaves, double *off, double *d2);

#endif
